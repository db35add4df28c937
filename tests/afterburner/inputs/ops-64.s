# Every op of site_abi.h that exists in 64-bit mode, one instruction per line, in op-id order.
	cli
	sti
	pushfq
	popfq
	hlt
	monitor
	mwait
	inb $0x60, %al
	inb %dx, %al
	outb %al, $0x80
	outb %al, %dx
	insb
	outsb
	mov %cr0, %rax
	mov %rax, %cr0
	mov %cr2, %rax
	mov %rax, %cr2
	mov %cr3, %rax
	mov %rax, %cr3
	mov %cr4, %rax
	mov %rax, %cr4
	mov %cr8, %rax
	mov %rax, %cr8
	clts
	lmsw %ax
	smsw %eax
	mov %dr7, %rax
	mov %rax, %dr7
	lgdt (%rax)
	lidt (%rax)
	lldt %ax
	ltr %ax
	sgdt (%rax)
	sidt (%rax)
	sldt %eax
	str %eax
	mov %eax, %ds
	mov %ds, %eax
	push %fs
	pop %fs
	lfs (%rax), %eax
	ljmp *(%rax)
	lcall *(%rax)
	lret
	lar %eax, %ecx
	lsl %eax, %ecx
	verr %ax
	verw %ax
	rdmsr
	wrmsr
	rdtsc
	rdtscp
	rdpmc
	cpuid
	invlpg (%rax)
	invpcid (%rax), %rcx
	wbinvd
	invd
	iretq
	sysretq
	sysexitq
	swapgs
	xsetbv
	xgetbv
	rdfsbase %rax
	rdgsbase %rax
	wrfsbase %rax
	wrgsbase %rax
	stac
	clac
	xsaves (%rax)
	xrstors (%rax)
	int $0x80
	.afterburner_page_table_store
	movq %rax, (%rdi)
	.afterburner_page_table_store
	xchgq %rax, (%rdi)
