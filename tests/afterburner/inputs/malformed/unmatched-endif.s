nop
.endif
