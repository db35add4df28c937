# Operand fields of site records in 64-bit code (AssemblerTest.OperandFields64).
	inb $0x60, %al
	outl %eax, %dx
	mov %cr3, %rbx
	mov %r12, %cr4
	mov %dr7, %rax
	lgdt 8(%rbx,%rcx,4)
	lidt 0x10(%rip)
	lidt idt_descriptor(%rip)
	mov %ax, %ss
	mov %gs, (%rdi)
	lss 4(%rsp), %esp
	rep insb
	rep; outsw
	outsb %fs:(%rsi), %dx
	cs lidt (%rax)
	int $0x80
	lretq $8
	lar %ecx, %edx
	invpcid (%rax), %rcx
	pushfw
	lgdt gdt_pointer
	rdfsbase %r9
	.data
idt_descriptor:
	.quad 0
