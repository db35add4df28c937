/* vthread_entry.S: where the vthread host starts a kernel (afterburner-vthread
 * looks this symbol up). Akaros's vthread state: 64-bit, IF = 0, no GDT/IDT, rsp =
 * top of a host-allocated stack, rdi = struct akaros_vthread_block *. Builds the
 * boot info and jumps to the kernel's common 64-bit entry, whose address the host
 * put in the block (the ELF entry point: kernel_entry64 in the samples). No sites:
 * the wedge is assembled by the system assembler. */
#include "akaros_abi.h"

  .section .note.GNU-stack, "", @progbits
  .text
  .globl afterburner_akaros_vthread_entry
  .type afterburner_akaros_vthread_entry, @function
afterburner_akaros_vthread_entry:
  cld
  and $-16, %rsp
  mov %rdi, %rbx                   /* callee-saved: the block */
  call afterburner_akaros_vthread_prepare
  test %rax, %rax
  jz 1f
  mov %rax, %rdi                   /* the boot info */
  jmp *AKAROS_VTHREAD_BLOCK_KERNEL_ENTRY(%rbx)
1:
  hlt                              /* not started by a vthread host: stop (IF = 0) */
  jmp 1b
  .size afterburner_akaros_vthread_entry, . - afterburner_akaros_vthread_entry
