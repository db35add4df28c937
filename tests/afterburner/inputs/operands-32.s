# Operand fields of site records in 32-bit code (AssemblerTest.OperandFields32).
	ljmp $0x10, $0x1000
	lcallw $0x18, $0x20
	arpl %ax, %bx
	lgdt gdt_pointer
	pushl %ss
	sldt %ax
	mov %ds:4(%esi,%edi,8), %ss
