# checked in a native region too
.afterburner_off
.afterburner_page_table_store
movq %rax, %rdi
