nop
mov %eax, (%rax,%rbx,3)
