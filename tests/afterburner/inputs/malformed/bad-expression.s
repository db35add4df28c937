nop
.long 1 +
