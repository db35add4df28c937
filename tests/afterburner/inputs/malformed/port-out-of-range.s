nop
inb $0x1000, %al
