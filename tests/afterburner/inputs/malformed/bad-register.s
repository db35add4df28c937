nop
movl $1, %foo
