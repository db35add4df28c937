nop
frobnicate %eax
