# .afterburner_page_table_store: the next instruction is an annotated site with its operands.
	.afterburner_page_table_store
	movq %rbx, 8(%rdi,%rcx,8)
	movq %rax, (%rdi)
	.afterburner_page_table_store
	movq %rax, table(%rip)
	.afterburner_page_table_store
1:	movq %r12, %gs:(%rdx)
	.afterburner_page_table_store
	xchgq %rcx, (%rdi)
	.afterburner_page_table_store ; movq %rsi, 0x18(%rax)
	.data
table:	.quad 0
