# entries are 8 bytes in 64-bit code
.afterburner_page_table_store
movl %eax, (%rdi)
