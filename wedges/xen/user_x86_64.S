/*
 * user_x86_64.S: the SYSCALL entry Xen calls (CALLBACKTYPE_syscall, user_mode.cpp).
 *
 * Xen enters it on the kernel stack (stack_switch: the TSS rsp0) with events masked and
 *   (%rsp) = rcx, r11, rip, cs, rflags, rsp, ss
 * where rcx and r11 are the user's, i.e. what SYSCALL left in them: the return rip and
 * rflags. The kernel's LSTAR handler expects the state SYSCALL leaves on hardware: rcx =
 * user rip, r11 = user rflags, rsp = the user's stack pointer (it switches stacks itself),
 * interrupts as SFMASK says. So: pop rcx and r11, take rsp from the frame (the frame
 * is dropped; the kernel stack is free again, as on hardware), unmask events if SFMASK
 * leaves IF set, and jump to the LSTAR value. sysretq then goes back through
 * afterburner_xen_sysret_entry (HYPERVISOR_iret with VGCF_in_syscall).
 */
#include <xen/xen.h>

#define PENDING afterburner_xen_shared_page
#define MASK afterburner_xen_shared_page + 1

  .text
  .globl afterburner_xen_syscall_entry
  .type afterburner_xen_syscall_entry, @function
afterburner_xen_syscall_entry:
  popq %rcx
  popq %r11
  movq 24(%rsp), %rsp            /* the user's rsp */
  cmpb $0, afterburner_xen_syscall_unmask(%rip)
  jne 1f
  jmp *afterburner_xen_syscall_target(%rip)
1:
  movb $0, MASK(%rip)            /* SFMASK without IF: interrupts stay on */
  cmpb $0, PENDING(%rip)
  je 2f
  call afterburner_xen_force_upcall
2:
  jmp *afterburner_xen_syscall_target(%rip)
  .size afterburner_xen_syscall_entry, . - afterburner_xen_syscall_entry

  .data
  .balign 8
  .globl afterburner_xen_syscall_target
afterburner_xen_syscall_target:
  .quad 0
/* 1 while SFMASK leaves IF alone: its reset value 0 does. */
  .globl afterburner_xen_syscall_unmask
afterburner_xen_syscall_unmask:
  .byte 1

  .section .note.GNU-stack, "", @progbits
