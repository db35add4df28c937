nop
.irp
