nop
.code16
.code99
