/* sites.S: a few sensitive instructions; afterburner-as makes them sites. */
  .section .note.GNU-stack, "", @progbits
  .text
  .globl _start
_start:
  call tiny_main
1:
  cli
  hlt
  jmp 1b

  .globl tiny_sites
tiny_sites:
  pushf
  cli
  popf
  ret
