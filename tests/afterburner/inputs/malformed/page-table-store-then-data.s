.afterburner_page_table_store
.quad 0
movq %rax, (%rdi)
