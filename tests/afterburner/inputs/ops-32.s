# Every op of site_abi.h that exists in 32-bit mode, one instruction per line, in op-id order.
	cli
	sti
	pushfl
	popfl
	hlt
	monitor
	mwait
	inl $0x60, %eax
	inw %dx, %ax
	outl %eax, $0x80
	outw %ax, %dx
	insl
	outsw
	mov %cr0, %eax
	mov %eax, %cr0
	mov %cr2, %eax
	mov %eax, %cr2
	mov %cr3, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	mov %eax, %cr4
	clts
	lmsw (%eax)
	smsw (%ebx)
	mov %dr6, %eax
	mov %eax, %dr6
	lgdt (%eax)
	lidt (%eax)
	lldt (%eax)
	ltr (%eax)
	sgdt (%eax)
	sidt (%eax)
	sldt (%eax)
	str (%eax)
	mov %ax, %ss
	mov %ss, %ax
	push %ds
	pop %es
	lds (%eax), %ecx
	ljmp $0x10, $0x1000
	lcall $0x10, $0x1000
	lret $4
	lar (%eax), %ecx
	lsl (%eax), %ecx
	verr (%eax)
	verw (%eax)
	arpl %ax, %bx
	rdmsr
	wrmsr
	rdtsc
	rdtscp
	rdpmc
	cpuid
	invlpg (%eax)
	invpcid (%eax), %ecx
	wbinvd
	invd
	iretl
	sysretl
	sysexit
	xsetbv
	xgetbv
	stac
	clac
	xsaves (%eax)
	xrstors (%eax)
	int $0x21
	.afterburner_page_table_store
	movl %eax, (%edi)
	.afterburner_page_table_store
	xchgl %eax, (%edi)
