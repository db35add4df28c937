/*
 * auto_entry_x86_64.S: the bench's #UD handler as a bare-metal kernel writes it (assembled
 * by afterburner-as: its iretq is a site the loader patches to the Xen wedge). Reached
 * through the wedge's trap stub, which leaves the frame a CPU would push.
 */
  .text
  .globl auto_invalid_opcode_entry
auto_invalid_opcode_entry:
  pushq %rax
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  leaq 72(%rsp), %rdi            /* &rip */
  call manual_invalid_opcode
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rax
  iretq

  .section .note.GNU-stack, "", @progbits
