nop
nop
cli %eax
