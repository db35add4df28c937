nop
.endm
