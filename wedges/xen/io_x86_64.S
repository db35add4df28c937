/*
 * io_x86_64.S: the port I/O entries (in/out sites, CALL form). They follow wedge_abi.h's
 * site-call convention: in writes al/ax/eax, out writes nothing, and every other register
 * and the arithmetic flags are preserved.
 */

/*
 * RESTORE_FLAGS_FROM_RAX: loads DF, OF, SF, ZF, AF, PF and CF from the pushfq image in
 * %rax (clobbering %rax) without popfq, which ends the translation block under TCG:
 * std/cld, an add that overflows or not for OF, sahf for the rest. TF, AC, NT, IOPL and
 * the real IF are not the guest's to change under Xen PV.
 */
.macro RESTORE_FLAGS_FROM_RAX
  testl $0x400, %eax
  jz .Lclear_direction\@
  std
  jmp .Loverflow\@
.Lclear_direction\@:
  cld
.Loverflow\@:
  btl $11, %eax                  /* CF = the image's OF */
  movb %al, %ah
  setc %al
  addb $0x7f, %al                /* overflows exactly when OF was set */
  sahf                           /* SF ZF AF PF CF; OF stays */
.endm

  .text
/*
 * The full path: saves the caller-saved registers and the flags and calls
 * afterburner_xen_port_io(record, rax, rdx) (io.cpp), which returns the new rax.
 */
  .globl afterburner_xen_site_port_io
  .type afterburner_xen_site_port_io, @function
afterburner_xen_site_port_io:
  pushfq
  pushq %rax                     /* 64(%rsp) */
  pushq %rcx
  pushq %rdx                     /* 48(%rsp) */
  pushq %rsi
  pushq %rdi
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  cld
  movq 80(%rsp), %rdi            /* R */
  movslq 3(%rdi), %rax
  leaq 3(%rdi, %rax), %rdi       /* the record */
  movq 64(%rsp), %rsi
  movq 48(%rsp), %rdx
  call afterburner_xen_port_io
  movq %rax, 64(%rsp)
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  movq 8(%rsp), %rax             /* the flags */
  RESTORE_FLAGS_FROM_RAX
  popq %rax
  leaq 8(%rsp), %rsp
  ret
  .size afterburner_xen_site_port_io, . - afterburner_xen_site_port_io

  .section .note.GNU-stack, "", @progbits
