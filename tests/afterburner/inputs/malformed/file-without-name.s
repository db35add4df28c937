nop
.file 1
