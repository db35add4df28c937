/*
 * irq_x86_64.S: the wedge's code that must be assembly: the inline templates the loader
 * copies into interrupt-flag, iretq and cpuid sites, the flag-preserving entries they call, the
 * iret/far-return entries, Xen's event and failsafe callbacks, the per-vector
 * trap stubs, and the site-call trampoline that turns a C++ handler into a CALL entry.
 *
 * The virtual interrupt flag is vcpu_info[0].evtchn_upcall_mask (1 = interrupts off) at
 * afterburner_xen_shared_page + 1; evtchn_upcall_pending is at + 0. A PV kernel always
 * runs with the real IF set, so the templates never need it.
 *
 * Everything here follows wedge_abi.h's site-call convention: only the instruction's own
 * effects; arithmetic flags preserved unless the instruction defines them.
 */
#include <xen/xen.h>

#define PENDING afterburner_xen_shared_page
#define MASK afterburner_xen_shared_page + 1
#include "irq_templates.inc"
#include "registers.inc"

/*
 * LOAD_ARITHMETIC_FLAGS: loads DF, OF, SF, ZF, AF, PF and CF from %rax (clobbering %rax)
 * without popfq, which is slow everywhere and ends the translation block under TCG:
 * std/cld, an add or a test for OF, sahf for the rest. TF, AC, NT, IOPL and the real IF
 * are not the guest's to change under Xen PV anyway.
 */
.macro LOAD_ARITHMETIC_FLAGS
  testl $0x400, %eax
  jz .Lcld\@
  std
  jmp .Loverflow\@
.Lcld\@:
  cld
.Loverflow\@:
  testl $0x800, %eax
  jz .Lno_overflow\@
  movb %al, %ah
  movb $0x7f, %al
  addb $1, %al                   /* OF = 1; sahf sets the rest */
  jmp .Lsahf\@
.Lno_overflow\@:
  movb %al, %ah
  testl %eax, %eax               /* OF = 0 */
.Lsahf\@:
  sahf
.endm

/* ---- Inline templates (struct afterburner_inline_code in irq.cpp) -------------------- */

  .section .text.afterburner_xen_templates, "ax"
/* cli: movb $1, mask(%rip): flag-free, 7 bytes; rel32 at 2. */
  .globl afterburner_xen_cli_template
afterburner_xen_cli_template:
  movb $1, MASK(%rip)
.Lcli_end:
  .if .Lcli_end - afterburner_xen_cli_template != 7
  .error "cli template must be 7 bytes"
  .endif

/* sti: movb $0, mask(%rip); call the pending check: 12 bytes; rel32 at 2 and 8. */
  .globl afterburner_xen_sti_template
afterburner_xen_sti_template:
  movb $0, MASK(%rip)
  call afterburner_xen_sti_check
.Lsti_end:
  .if .Lsti_end - afterburner_xen_sti_template != 12
  .error "sti template must be 12 bytes"
  .endif

/* pushf and popf: irq_templates.inc (the macros check their lengths and rel32 offsets). */
  .globl afterburner_xen_pushf_template
afterburner_xen_pushf_template:
  AFTERBURNER_XEN_PUSHF_CODE

  .globl afterburner_xen_popf_template
afterburner_xen_popf_template:
  AFTERBURNER_XEN_POPF_CODE

/* iretq (the 64-bit form only; irq.cpp): irq_templates.inc. */
  .globl afterburner_xen_iret_template
afterburner_xen_iret_template:
  AFTERBURNER_XEN_IRET_CODE afterburner_xen_iret_entry, FLAT_KERNEL_CS64, FLAT_KERNEL_SS64

/* cpuid through Xen's forced-emulation prefix: Xen applies the PV CPUID policy. */
  .globl afterburner_xen_cpuid_template
afterburner_xen_cpuid_template:
  ud2
  .ascii "xen"
  cpuid
.Lcpuid_end:
  .if .Lcpuid_end - afterburner_xen_cpuid_template != 7
  .error "cpuid template must be 7 bytes"
  .endif

/* swapgs: nothing; Xen switches the GS bases on kernel/user transitions. */
  .globl afterburner_xen_nothing_template
afterburner_xen_nothing_template:
  nop

/* ---- Flag-preserving entries -------------------------------------------------------- */

  .text
/* After sti: deliver what became pending while masked. jrcxz tests without flags. */
  .globl afterburner_xen_sti_check
  .type afterburner_xen_sti_check, @function
afterburner_xen_sti_check:
  pushq %rcx
  movzbl PENDING(%rip), %ecx
  jrcxz 1f
  call afterburner_xen_force_upcall
1:
  popq %rcx
  ret
  .size afterburner_xen_sti_check, . - afterburner_xen_sti_check

/*
 * Any hypercall returns through Xen's check for pending events, which delivers the
 * upcall now that the mask is clear. Preserves every register and the flags (Xen may
 * clobber rcx, r11 and every argument register, debug builds deliberately).
 */
  .globl afterburner_xen_force_upcall
  .type afterburner_xen_force_upcall, @function
afterburner_xen_force_upcall:
  pushfq
  pushq %rax
  PUSH_CALLER_SAVED_BUT_RAX
  xorl %edi, %edi /* XENVER_version */
  xorl %esi, %esi
  call afterburner_xen_hypercall_page + __HYPERVISOR_xen_version * 32
  POP_CALLER_SAVED_BUT_RAX
  popq %rax
  popfq
  ret
  .size afterburner_xen_force_upcall, . - afterburner_xen_force_upcall

/*
 * The popf template's slow path (irq_templates.inc): an image with TF, DF, OF or NT set,
 * or an event pending. (%rsp) = R, the template's fast path, 8(%rsp) = the site's saved
 * rax, 16(%rsp) = the image. Sets the mask from IF, forces the upcall when that unmasks
 * with an event pending, loads the image with the real popfq, exact for every flag a
 * ring-3 popfq loads except AC and ID (AC at CPL 3 would turn on alignment checking,
 * which the kernel, written for ring 0, never has; ID only tells a 486 from a Pentium),
 * then finishes the popf: rax restored, both words dropped, and on past the fast path.
 * IF and IOPL stay as Xen keeps them.
 */
  .globl afterburner_xen_popf_slow
  .type afterburner_xen_popf_slow, @function
afterburner_xen_popf_slow:
  testb $2, 17(%rsp)
  setz MASK(%rip)                /* mask = !IF */
  jz 1f
  cmpb $0, PENDING(%rip)
  je 1f
  call afterburner_xen_force_upcall
1:
  addq $AFTERBURNER_XEN_POPF_FAST_LENGTH, (%rsp) /* return past the fast path */
  pushq 16(%rsp)
  andl $~0x240000, (%rsp)        /* not AC, not ID */
  popfq
  movq 8(%rsp), %rax
  ret $16                        /* and drop the saved rax and the image */
  .size afterburner_xen_popf_slow, . - afterburner_xen_popf_slow

/*
 * Far return (lretq, CALL form): (%rsp) = R, then rip and cs. The kernel reloads %cs
 * after lgdt this way; under Xen the flat selectors stay, so only the jump remains.
 */
  .globl afterburner_xen_far_ret_entry
  .type afterburner_xen_far_ret_entry, @function
afterburner_xen_far_ret_entry:
  leaq 8(%rsp), %rsp             /* drop R: rip, cs */
  pushq %rax
  movq 8(%rsp), %rax
  movq %rax, 16(%rsp)            /* rip over cs */
  popq %rax
  leaq 8(%rsp), %rsp
  ret
  .size afterburner_xen_far_ret_entry, . - afterburner_xen_far_ret_entry

/*
 * iretq (JUMP; also where the inline iretq code goes when it cannot return in place):
 * (%rsp) = rip, cs, rflags, rsp, ss. A frame whose cs has RPL 0 returns to
 * the kernel: Xen clears the RPL of kernel-mode frames it builds, and the kernel's own
 * selectors have RPL 0. That return stays in the guest: restore the mask from the frame's
 * IF, deliver what is pending, and iretq on Xen's flat ring-3 selectors. Anything else
 * goes to user mode through HYPERVISOR_iret.
 */
  .globl afterburner_xen_iret_entry
  .type afterburner_xen_iret_entry, @function
afterburner_xen_iret_entry:
  testb $3, 8(%rsp)
  jnz .Liret_to_user
  movq $FLAT_KERNEL_CS64, 8(%rsp)
  movq $FLAT_KERNEL_SS64, 32(%rsp)
  testl $0x200, 16(%rsp)
  jz .Liret_masked
  movb $0, MASK(%rip)
  cmpb $0, PENDING(%rip)
  je 1f
  call afterburner_xen_force_upcall
1:
  iretq
.Liret_masked:
  movb $1, MASK(%rip)
  iretq
.Liret_to_user:
  jmp afterburner_xen_iret_to_user /* user_x86_64.S, as sysretq's entry */
  .size afterburner_xen_iret_entry, . - afterburner_xen_iret_entry

/* ---- Xen callbacks ------------------------------------------------------------------ */


/*
 * The event upcall (CALLBACKTYPE_event). Xen entered with events masked and pushed rcx
 * and r11 above a hardware-like frame. Popping them leaves exactly the frame an interrupt
 * gate would have built, so the kernel's own handler can run on it and return with its
 * iretq site. afterburner_xen_on_event() turns pending event channels into 8259 requests
 * and returns the kernel's handler for the vector to deliver, or 0.
 */
  .globl afterburner_xen_event_entry
  .type afterburner_xen_event_entry, @function
afterburner_xen_event_entry:
  popq %rcx
  popq %r11
  PUSH_GENERAL
  cld
  movq %rsp, %rbx
  andq $-16, %rsp
  call afterburner_xen_on_event
  movq %rbx, %rsp
  testq %rax, %rax
  jz 1f
  movq %rax, afterburner_xen_delivery_target(%rip) /* events stay masked: no nesting */
  POP_GENERAL
  jmp *afterburner_xen_delivery_target(%rip)
1:
  POP_GENERAL
  jmp afterburner_xen_iret_entry
  .size afterburner_xen_event_entry, . - afterburner_xen_event_entry

/* The failsafe callback: Xen could not load the kernel's segments on a return. */
  .globl afterburner_xen_failsafe_entry
  .type afterburner_xen_failsafe_entry, @function
afterburner_xen_failsafe_entry:
  andq $-16, %rsp
  call afterburner_xen_on_failsafe
1:
  jmp 1b
  .size afterburner_xen_failsafe_entry, . - afterburner_xen_failsafe_entry

/*
 * Trap stubs, 16 bytes each: Xen's trap table points vector v at stub v, which drops the
 * rcx/r11 Xen pushed and jumps to the kernel's gate handler for v (descriptors.cpp fills
 * afterburner_xen_gate_handlers from the kernel's IDT on lidt).
 */
  .balign 16
  .globl afterburner_xen_trap_stubs
afterburner_xen_trap_stubs:
  .set vector, 0
  .rept 256
  .balign 16
  .if vector == 14
  jmp afterburner_xen_page_fault_entry
  .else
  popq %rcx
  popq %r11
  jmp *afterburner_xen_gate_handlers + 8 * vector(%rip)
  .endif
  .set vector, vector + 1
  .endr

/*
 * Page faults first ask the wedge's software TLB (mmu.cpp): a miss on a page the
 * kernel's own tables map is filled and the access retried; every other fault goes to
 * the kernel's handler on the frame a CPU would have pushed.
 */
afterburner_xen_page_fault_entry:
  popq %rcx
  popq %r11                      /* error code, rip, cs, rflags, rsp, ss */
  PUSH_GENERAL
  cld
  movq %rsp, %rbx
  andq $-16, %rsp
  movq 15 * 8(%rbx), %rdi        /* the error code */
  call afterburner_xen_on_page_fault
  movq %rbx, %rsp
  testl %eax, %eax
  POP_GENERAL                    /* pops leave the flags alone */
  jz 1f
  leaq 8(%rsp), %rsp             /* drop the error code: retry the access */
  jmp afterburner_xen_iret_entry
1:
  jmp *afterburner_xen_gate_handlers + 8 * 14(%rip)

/* ---- The site-call trampoline ------------------------------------------------------- */

/*
 * AFTERBURNER_XEN_SITE_ENTRY name, handler: a CALL entry that saves every general
 * register and the flags as a SiteFrame (site_frame.h), calls
 * handler(SiteFrame *, const afterburner_site *) on a 16-byte aligned stack, and returns
 * to R with whatever the handler left in the frame.
 */
.macro AFTERBURNER_XEN_SITE_ENTRY name, handler
  .globl \name
  .type \name, @function
\name:
  PUSH_GENERAL
  pushfq
  cld
  movq %rsp, %rdi
  movq 128(%rsp), %rsi           /* R */
  movslq 3(%rsi), %rax           /* the record reference in the nopl after the call */
  leaq 3(%rsi, %rax), %rsi
  movq %rsp, %rbx
  andq $-16, %rsp
  call \handler
  movq %rbx, %rsp
  movq (%rsp), %rax              /* the frame's flags */
  LOAD_ARITHMETIC_FLAGS
  leaq 8(%rsp), %rsp
  POP_GENERAL                    /* pops leave the flags alone */
  ret
  .size \name, . - \name
.endm

  AFTERBURNER_XEN_SITE_ENTRY afterburner_xen_site_cpu, afterburner_xen_handle_cpu
  AFTERBURNER_XEN_SITE_ENTRY afterburner_xen_site_mmu, afterburner_xen_handle_mmu
  AFTERBURNER_XEN_SITE_ENTRY afterburner_xen_site_descriptor, afterburner_xen_handle_descriptor

  .bss
  .balign 8
  .globl afterburner_xen_gate_handlers
afterburner_xen_gate_handlers:
  .skip 8 * 256
afterburner_xen_delivery_target:
  .skip 8

  .section .note.GNU-stack, "", @progbits
