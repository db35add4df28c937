# .afterburner_page_table_store in a native region: checked, but the store stays plain.
	.afterburner_off
	.afterburner_page_table_store
	movq %rax, (%rdi)
	.afterburner_on
	.afterburner_page_table_store
	movq %rdx, (%rsi)
