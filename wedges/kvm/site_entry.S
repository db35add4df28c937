/* site_entry.S: the KVM wedge's site-call entries (wedge_abi.h section 3). Each
 * saves every general register and the flags (struct SiteFrame, site_frame.h),
 * finds the site's record from the return address, and calls a C++ handler
 * void handler(SiteFrame *, const afterburner_site *) with interrupts off, so a
 * handler never races an interrupt handler's own port I/O. The restored flags
 * bring IF back. Assembled by the system assembler: nothing here is a site. */

.macro KVM_SITE_ENTRY name, handler
  .section .text.\name, "ax", @progbits
  .globl \name
  .hidden \name
  .type \name, @function
\name:
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rbp
  pushq %rsi
  pushq %rdi
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  pushfq
  cli
  cld
  movq %rsp, %rdi            /* the frame */
  movq 128(%rsp), %rax       /* R = site + 5 */
  movslq 3(%rax), %rsi       /* the nopl's disp32: record reference */
  leaq 3(%rax,%rsi), %rsi    /* record = (R + 3) + reference */
  movq %rsp, %rbx            /* callee-saved: the frame, to undo the alignment */
  andq $-16, %rsp
  call \handler
  movq %rbx, %rsp
  popfq
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rdi
  popq %rsi
  popq %rbp
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
  ret
  .size \name, . - \name
.endm

KVM_SITE_ENTRY afterburner_kvm_entry_port_in, afterburner_kvm_handle_port_in
KVM_SITE_ENTRY afterburner_kvm_entry_port_out, afterburner_kvm_handle_port_out
KVM_SITE_ENTRY afterburner_kvm_entry_string_out, afterburner_kvm_handle_string_out
KVM_SITE_ENTRY afterburner_kvm_entry_cpuid, afterburner_kvm_handle_cpuid
KVM_SITE_ENTRY afterburner_kvm_entry_unimplemented, afterburner_kvm_handle_unimplemented

  .section .note.GNU-stack, "", @progbits
