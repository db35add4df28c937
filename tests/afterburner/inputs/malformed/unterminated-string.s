nop
.ascii "abc
