/*
 * io_harness_x86_64.S: runs a port I/O entry of io_x86_64.S the way a patched in/out site
 * runs it (call, then the nopl naming the record), with registers and flags loaded from
 * a state array, and stores them back afterwards.
 */

/*
 * void harness_io(const void *entry, uint64_t state[7]): state = flags, rax, rdx, rcx,
 * rsi, rdi, r8. The site's record is harness_io_record (IoEntryTest fills it).
 */
  .text
  .globl harness_io
harness_io:
  pushq %rbx
  movq %rdi, %r11
  movq %rsi, %rbx
  pushq (%rbx)
  popfq
  movq 8(%rbx), %rax
  movq 16(%rbx), %rdx
  movq 24(%rbx), %rcx
  movq 32(%rbx), %rsi
  movq 40(%rbx), %rdi
  movq 48(%rbx), %r8
  call *%r11
  .byte 0x0f, 0x1f, 0x80
  .long harness_io_record - .
  movq %rax, 8(%rbx)
  movq %rdx, 16(%rbx)
  movq %rcx, 24(%rbx)
  movq %rsi, 32(%rbx)
  movq %rdi, 40(%rbx)
  movq %r8, 48(%rbx)
  pushfq
  popq (%rbx)
  cld                            /* the C++ caller needs DF clear */
  popq %rbx
  ret

  .data
  .balign 8
  .globl harness_io_record
harness_io_record:
  .skip 24

  .section .note.GNU-stack, "", @progbits
