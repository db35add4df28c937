/*
 * manual_entry_x86_64.S: the hand-written Xen PV pieces of the manual bench (see
 * manual_bench.cpp): its exception handlers, written the way a paravirt port writes them
 * (Xen's frame: rcx, r11, [error code,] rip, cs, rflags, rsp, ss), and the raw
 * instruction loops it times.
 */

.macro SAVE_GENERAL
  pushq %rax
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
.endm

.macro RESTORE_GENERAL
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rax
.endm

/* #UD: like the sample kernel's handler, a C++ function steps over the 2-byte ud2. */
  .text
  .globl manual_invalid_opcode_entry
manual_invalid_opcode_entry:
  popq %rcx
  popq %r11                      /* now rip, cs, rflags, rsp, ss */
  SAVE_GENERAL
  leaq 72(%rsp), %rdi            /* &rip */
  call manual_invalid_opcode
  RESTORE_GENERAL
  orb $3, 8(%rsp)                /* Xen: a kernel returns to itself with RPL 3 */
  iretq

/* #GP while probing a raw instruction: a C++ function notes it and steps over it. */
  .globl manual_general_protection_entry
manual_general_protection_entry:
  popq %rcx
  popq %r11
  leaq 8(%rsp), %rsp             /* the error code */
  SAVE_GENERAL
  leaq 72(%rsp), %rdi            /* &rip */
  call manual_general_protection
  RESTORE_GENERAL
  orb $3, 8(%rsp)
  iretq

  .data
  .balign 8
  .globl manual_skip_length
manual_skip_length:
  .quad 0
  .globl manual_faulted
manual_faulted:
  .quad 0

  .section .note.GNU-stack, "", @progbits
