/*
 * irq_harness_x86_64.S: the host-side stand-ins the wedge's assembly expects (the shared
 * info page, the hypercall page), and small functions that run its entries the way
 * patched sites do, so IrqEntryTest can check flags, stack and mask on the real CPU.
 */
#include <xen/xen.h>

#define PENDING afterburner_xen_shared_page
#define MASK afterburner_xen_shared_page + 1
#include "irq_templates.inc"

  .data
  .balign 4096
  .globl afterburner_xen_shared_page
afterburner_xen_shared_page:
  .skip 4096
  .globl harness_hypercalls
harness_hypercalls:
  .quad 0
  .globl harness_iret_frame
harness_iret_frame:
  .skip 5 * 8

/* A hypercall page whose every stub counts the call (rax = number) and returns. */
  .text
  .balign 4096
  .globl afterburner_xen_hypercall_page
afterburner_xen_hypercall_page:
  .rept 128
  .balign 32
  incq harness_hypercalls(%rip)
  ret
  .endr

/* uint64_t harness_pushf(uint64_t flags): loads flags, runs the pushf site's code (the
 * template's own macro, in place), returns the image it pushed. */
  .globl harness_pushf
harness_pushf:
  pushq %rdi
  popfq
  AFTERBURNER_XEN_PUSHF_CODE
  popq %rax
  pushq $0x202                   /* the C++ caller's flags: DF clear */
  popfq
  ret

/* uint64_t harness_popf(uint64_t image): the popf site's code; returns the real flags
 * it left (%rsp balanced: it pops the image). */
  .globl harness_popf
harness_popf:
  pushq %rdi
  AFTERBURNER_XEN_POPF_CODE
  pushfq
  popq %rax
  pushq $0x202                   /* the C++ caller's flags: DF and NT clear */
  popfq
  ret

/* uint64_t harness_popf_rax(uint64_t image, uint64_t rax): the popf site's code with rax
 * live; returns rax after it (the stack must balance too, or ret goes astray). */
  .globl harness_popf_rax
harness_popf_rax:
  movq %rsi, %rax
  pushq %rdi
  AFTERBURNER_XEN_POPF_CODE
  pushq $0x202
  popfq
  ret

/*
 * int harness_iret(uint64_t cs, uint64_t rflags): builds a 64-bit iret frame with that cs
 * and rflags image returning to label 1 on this stack and runs the iret site's code (the
 * template's own macro, in place) with the host's user selectors (0x33, 0x2b) standing in
 * for Xen's flat ones, since this process runs in ring 3 too. Returns 1 when the code
 * returned in place with iretq, 2 when it jumped to the fallback entry; harness_iret_frame
 * then holds the five words the fallback found on the stack.
 */
  .globl harness_iret
harness_iret:
  pushq %rbx
  movq %rsp, %rbx
  pushq $0                       /* ss: the code stores the host's */
  pushq %rbx                     /* rsp */
  pushq %rsi                     /* rflags */
  pushq %rdi                     /* cs */
  leaq 1f(%rip), %rax
  pushq %rax                     /* rip */
  AFTERBURNER_XEN_IRET_CODE harness_iret_fallback, 0x33, 0x2b
1:
  movl $1, %eax
  jmp 2f
harness_iret_fallback:
  leaq harness_iret_frame(%rip), %rdi
  movq %rsp, %rsi
  movl $5, %ecx
  rep movsq
  movq %rbx, %rsp
  movl $2, %eax
2:
  pushq $0x202                   /* the C++ caller's flags: DF clear */
  popfq
  popq %rbx
  ret

/* uint64_t harness_sti(uint64_t flags): loads flags, runs the sti template's code, returns
 * the flags after it. */
  .globl harness_sti
harness_sti:
  pushq %rdi
  popfq
  movb $0, afterburner_xen_shared_page + 1(%rip)
  call afterburner_xen_sti_check
  pushfq
  popq %rax
  ret

/* SITE_CALL_HARNESS name, entry, eax, edx: uint64_t name(uint64_t flags, uint64_t *rax):
 * a CALL-form site to entry with flags loaded and eax, edx set; returns the flags after
 * it and stores its rax. */
.macro SITE_CALL_HARNESS name, entry, eax, edx
  .globl \name
\name:
  pushq %rbx
  movq %rsi, %rbx
  pushq %rdi
  popfq
  movl $\eax, %eax
  movl $\edx, %edx
  call \entry
  .byte 0x0f, 0x1f, 0x80
  .long 0
  movq %rax, (%rbx)
  pushfq
  popq %rax
  cld
  popq %rbx
  ret
.endm

/* The generic site-call trampoline: the test handler multiplies rax by 6. */
  SITE_CALL_HARNESS harness_site_cpu, afterburner_xen_site_cpu, 7, 0
/* The lean port I/O entry, reading COM1's LSR (0x3fd). */
  SITE_CALL_HARNESS harness_site_port_io, afterburner_xen_site_port_io, 0x12345678, 0x3fd

/* int harness_far_ret(void): lretq in CALL form to a label; 1 when it lands there with
 * the stack balanced. */
  .globl harness_far_ret
harness_far_ret:
  movq %rsp, %rdx
  pushq $0x08
  leaq 1f(%rip), %rax
  pushq %rax
  call afterburner_xen_far_ret_entry
  .byte 0x0f, 0x1f, 0x80
  .long 0
  xorl %eax, %eax
  ret
1:
  xorl %eax, %eax
  cmpq %rsp, %rdx
  sete %al
  ret

  .section .note.GNU-stack, "", @progbits
