nop
.long 1/0
