nop
.section .foo,"q"
