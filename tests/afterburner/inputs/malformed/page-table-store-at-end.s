movq %rax, (%rdi)
.afterburner_page_table_store
