/*
 * user_x86_64.S: the ways into and out of ring 3 under Xen PV (user_mode.cpp): the
 * SYSCALL entry Xen calls, the returns to user mode (iretq to RPL 3, sysretq), and the
 * check that keeps Xen's ring-0 stack equal to the TSS's rsp0.
 *
 * The SYSCALL entry (CALLBACKTYPE_syscall).
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
#include "registers.inc"

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

/*
 * The CPU reads the TSS's rsp0 on every entry from ring 3; Xen uses the stack the last
 * stack_switch named. A kernel that gives each thread its own kernel stack changes rsp0
 * with a plain store, so before every return to ring 3 the wedge compares the TSS's rsp0
 * (at afterburner_xen_tss_rsp0, set by ltr) with the one Xen has and, when it changed,
 * calls afterburner_xen_switch_ring0_stack(rsp0) (descriptors.cpp). Every register and
 * the stack are as they were; the flags are not (both callers load new ones).
 */
  .globl afterburner_xen_sync_ring0_stack
  .type afterburner_xen_sync_ring0_stack, @function
afterburner_xen_sync_ring0_stack:
  pushq %rax
  movq afterburner_xen_tss_rsp0(%rip), %rax
  testq %rax, %rax
  jz 1f
  movq (%rax), %rax
  testq %rax, %rax
  jz 1f
  cmpq afterburner_xen_ring0_stack(%rip), %rax
  jne 2f
1:
  popq %rax
  ret
2:
  PUSH_CALLER_SAVED_BUT_RAX
  pushq %rbx
  movq %rsp, %rbx
  andq $-16, %rsp
  movq %rax, %rdi
  cld
  call afterburner_xen_switch_ring0_stack
  movq %rbx, %rsp
  popq %rbx
  POP_CALLER_SAVED_BUT_RAX
  popq %rax
  ret
  .size afterburner_xen_sync_ring0_stack, . - afterburner_xen_sync_ring0_stack

/*
 * iretq to a frame with RPL 3 (afterburner_xen_iret_entry jumps here): (%rsp) = rip, cs,
 * rflags, rsp, ss on the kernel's stack. Xen's flat user selectors, the ring-0 stack
 * check, then HYPERVISOR_iret (Xen switches to the user page table; the mask follows the
 * frame's IF).
 */
  .globl afterburner_xen_iret_to_user
  .type afterburner_xen_iret_to_user, @function
afterburner_xen_iret_to_user:
  movq $FLAT_USER_CS64, 8(%rsp)
  movq $FLAT_USER_SS64, 32(%rsp)
  call afterburner_xen_sync_ring0_stack
  pushq $0                       /* iret_context.flags */
  jmp afterburner_xen_hypercall_page + __HYPERVISOR_iret * 32
  .size afterburner_xen_iret_to_user, . - afterburner_xen_iret_to_user

/*
 * sysretq (JUMP): rcx = user rip, r11 = user rflags, rsp = user rsp. HYPERVISOR_iret with
 * VGCF_in_syscall (Xen returns with sysret), from the wedge's own stack: the kernel has
 * already loaded the user's rsp, and pushing below it would clobber the user's red zone.
 */
  .globl afterburner_xen_sysret_entry
  .type afterburner_xen_sysret_entry, @function
afterburner_xen_sysret_entry:
  movq %rsp, afterburner_xen_sysret_user_stack(%rip)
  leaq afterburner_xen_sysret_stack_top(%rip), %rsp
  call afterburner_xen_sync_ring0_stack
  pushq $FLAT_USER_SS64
  pushq afterburner_xen_sysret_user_stack(%rip)
  pushq %r11
  pushq $FLAT_USER_CS64
  pushq %rcx
  pushq $VGCF_in_syscall
  jmp afterburner_xen_hypercall_page + __HYPERVISOR_iret * 32
  .size afterburner_xen_sysret_entry, . - afterburner_xen_sysret_entry

  .data
  .balign 8
  .globl afterburner_xen_syscall_target
afterburner_xen_syscall_target:
  .quad 0
/* 1 while SFMASK leaves IF alone: its reset value 0 does. */
  .globl afterburner_xen_syscall_unmask
afterburner_xen_syscall_unmask:
  .byte 1

  .bss
  .balign 8
/* The address of the TSS's rsp0 (0: no TSS yet) and the stack Xen was last given. */
  .globl afterburner_xen_tss_rsp0
afterburner_xen_tss_rsp0:
  .skip 8
  .globl afterburner_xen_ring0_stack
afterburner_xen_ring0_stack:
  .skip 8
afterburner_xen_sysret_user_stack:
  .skip 8
  .balign 16
  .skip 1024                     /* the ring-0 stack check may call into C++ */
afterburner_xen_sysret_stack_top:

  .section .note.GNU-stack, "", @progbits
