# Every op of site_abi.h that exists in 16-bit mode, one instruction per line, in op-id order
# (assembled with --32).
	.code16
	cli
	sti
	pushf
	popf
	hlt
	monitor
	mwait
	inb $0x60, %al
	inb %dx, %al
	outb %al, $0x80
	outb %al, %dx
	insw
	outsb
	mov %cr0, %eax
	mov %eax, %cr0
	mov %cr2, %eax
	mov %eax, %cr2
	mov %cr3, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	mov %eax, %cr4
	clts
	lmsw %ax
	smsw %ax
	mov %dr0, %eax
	mov %eax, %dr0
	lgdt (%bx)
	lidt (%bx)
	lldt %ax
	ltr %ax
	sgdt (%bx)
	sidt (%bx)
	sldt %ax
	str %ax
	mov %ax, %es
	mov %cs, %ax
	push %cs
	pop %ds
	les (%bx), %ax
	ljmp $0x10, $0x20
	lcall $0x10, $0x20
	lret
	arpl %ax, %bx
	rdmsr
	wrmsr
	rdtsc
	rdtscp
	rdpmc
	cpuid
	invlpg (%bx)
	wbinvd
	invd
	iret
	xsetbv
	xgetbv
	int $0x10
