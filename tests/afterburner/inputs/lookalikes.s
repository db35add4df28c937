# Instructions that look like sensitive ones but are not: no site may be made.
	mov %rax, %rbx
	mov %fs:0x28, %rax
	mov %ds:0x10, %rax
	mov %gs:(%rdi), %ecx
	mov %eax, %es:(%rdi)
	push %rax
	pop %rbx
	pushq $1
	int3
	nop
	lea 8(%rip), %rax
	movabs $0x1234, %rax
	incb (%rax)
	call *%rax
	ret
	lock incl (%rax)
	rep movsb
	rep stosq
	.data
