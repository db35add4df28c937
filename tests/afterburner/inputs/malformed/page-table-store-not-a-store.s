# a load is not a page-table store
.afterburner_page_table_store
movq (%rdi), %rax
