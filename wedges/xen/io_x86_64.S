/*
 * io_x86_64.S: the port I/O entries (in/out sites, CALL form). They follow wedge_abi.h's
 * site-call convention: in writes al/ax/eax, out writes nothing, and every other register
 * and the arithmetic flags are preserved.
 *
 * One entry per op (in_dx, out_dx, in_imm, out_imm) starts a fast path that never touches
 * the flags, so it needs no flag save: it uses only mov, movzx/movsx, lea, push/pop,
 * jrcxz and indirect jumps. It saves rcx and rsi, looks the access up in the constant
 * tables of io_routes.cpp (width, port high byte, port low byte -> handler, as routeOf
 * says) and jumps to the handler. COM1 and port 0x80 byte accesses are answered there
 * from the model's state in place; everything else goes to the full path, which saves
 * the flags and the caller-saved registers and calls afterburner_xen_port_io (io.cpp).
 * Under QEMU TCG a flag save and restore (pushfq, then std/cld, an add for OF and sahf)
 * alone costs more than the whole fast path.
 *
 * In the fast path and its handlers: (%rsp) = the kernel's rsi, 8(%rsp) = its rcx,
 * 16(%rsp) = R (wedge_abi.h section 3); rdx and rax are the instruction's operands.
 */
#include "io_layout.h"

#define UART afterburner_xen_uart
#define CONSOLE afterburner_xen_console

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

/* SAVE_CALLER_SAVED / RESTORE_CALLER_SAVED: the flags and the registers a C++ call may
 * change; rax at 64(%rsp), rdx at 48(%rsp), R at 80(%rsp) in between. */
.macro SAVE_CALLER_SAVED
  pushfq
  pushq %rax
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  cld
.endm

.macro RESTORE_CALLER_SAVED
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
.endm

  .text
/*
 * The full path (also a complete entry by itself): calls
 * afterburner_xen_port_io(record, rax, rdx) (io.cpp), which returns the new rax.
 */
  .globl afterburner_xen_site_port_io
  .type afterburner_xen_site_port_io, @function
afterburner_xen_site_port_io:
  SAVE_CALLER_SAVED
  movq 80(%rsp), %rdi            /* R */
  movslq 3(%rdi), %rax
  leaq 3(%rdi, %rax), %rdi       /* the record */
  movq 64(%rsp), %rsi
  movq 48(%rsp), %rdx
  call afterburner_xen_port_io
  movq %rax, 64(%rsp)
  RESTORE_CALLER_SAVED
  ret
  .size afterburner_xen_site_port_io, . - afterburner_xen_site_port_io

/* A THR byte filled the console line or ended it: hand the line to Xen, then return to R. */
  .type afterburner_xen_io_flush, @function
afterburner_xen_io_flush:
  SAVE_CALLER_SAVED
  call afterburner_xen_console_flush
  RESTORE_CALLER_SAVED
  ret
  .size afterburner_xen_io_flush, . - afterburner_xen_io_flush

/* ---- Fast entries ------------------------------------------------------------------- */

/* The dx forms: routes[width][dh][dl] (io_routes.cpp). */
.macro PORT_DX_ENTRY name, routes
  .globl \name
  .type \name, @function
\name:
  pushq %rcx
  pushq %rsi
  movq 16(%rsp), %rcx            /* R */
  movslq 3(%rcx), %rsi           /* the record reference: the record is at R + 3 + it */
  movzbl 3 + AFTERBURNER_XEN_SITE_WIDTH(%rcx, %rsi), %esi
  leaq \routes(%rip), %rcx
  movq (%rcx, %rsi, 8), %rcx     /* the width's directory */
  movzbl %dh, %esi
  movq (%rcx, %rsi, 8), %rcx     /* the page of the port's high byte */
  movzbl %dl, %esi
  jmpq *(%rcx, %rsi, 8)
  .size \name, . - \name
.endm

/*
 * The imm8 forms: the port (< 0x100) is in the record. Only byte accesses have fast
 * routes (io_routes.h, fastWidth): others go to the full path; bytes to the page of high
 * byte 0 of the byte directory, routes[1][0][port].
 */
.macro PORT_IMMEDIATE_ENTRY name, routes
  .globl \name
  .type \name, @function
\name:
  pushq %rcx
  pushq %rsi
  movq 16(%rsp), %rcx            /* R */
  movslq 3(%rcx), %rsi
  leaq 3(%rcx, %rsi), %rsi       /* the record */
  movzbl AFTERBURNER_XEN_SITE_WIDTH(%rsi), %ecx
  leal -1(%rcx), %ecx
  movzbl AFTERBURNER_XEN_SITE_IMMEDIATE(%rsi), %esi
  jrcxz 1f
  jmp afterburner_xen_io_full
1:
  movq \routes + 8(%rip), %rcx   /* the byte directory */
  movq (%rcx), %rcx              /* its page of high byte 0 */
  jmpq *(%rcx, %rsi, 8)
  .size \name, . - \name
.endm

  PORT_DX_ENTRY afterburner_xen_site_in_dx, afterburner_xen_in_routes
  PORT_DX_ENTRY afterburner_xen_site_out_dx, afterburner_xen_out_routes
  PORT_IMMEDIATE_ENTRY afterburner_xen_site_in_imm, afterburner_xen_in_routes
  PORT_IMMEDIATE_ENTRY afterburner_xen_site_out_imm, afterburner_xen_out_routes

/* ---- Handlers (the pages of io_routes.cpp point here) ------------------------------ */

.macro HANDLER name
  .globl \name
  .type \name, @function
\name:
.endm

/* Back to R with the kernel's rsi and rcx. */
.macro FAST_RETURN
  popq %rsi
  popq %rcx
  ret
.endm

/* Continues only while the divisor latch is not selected: LCR bit 7, seen without a
 * test as the sign that movsbl spreads into %ch. */
.macro FULL_IF_DIVISOR_LATCH
  movsbl UART + AFTERBURNER_XEN_UART_LINE_CONTROL(%rip), %ecx
  movzbl %ch, %ecx
  jrcxz 1f
  jmp afterburner_xen_io_full
1:
.endm

HANDLER afterburner_xen_io_full
  popq %rsi
  popq %rcx
  jmp afterburner_xen_site_port_io

HANDLER afterburner_xen_io_in_delay
  movb $AFTERBURNER_XEN_DELAY_PORT_VALUE, %al
  FAST_RETURN

HANDLER afterburner_xen_io_out_delay
HANDLER afterburner_xen_io_out_uart_ignore
  FAST_RETURN

/* COM1 reads (UartModel::read, register by register). */
HANDLER afterburner_xen_io_in_uart_data
  FULL_IF_DIVISOR_LATCH
  movb $AFTERBURNER_XEN_UART_NO_INPUT, %al
  FAST_RETURN

HANDLER afterburner_xen_io_in_uart_interrupt_enable
  FULL_IF_DIVISOR_LATCH
  movb UART + AFTERBURNER_XEN_UART_INTERRUPT_ENABLE(%rip), %al
  FAST_RETURN

HANDLER afterburner_xen_io_in_uart_interrupt_identity
  movb $AFTERBURNER_XEN_UART_INTERRUPT_IDENTITY, %al
  FAST_RETURN

HANDLER afterburner_xen_io_in_uart_line_control
  movb UART + AFTERBURNER_XEN_UART_LINE_CONTROL(%rip), %al
  FAST_RETURN

HANDLER afterburner_xen_io_in_uart_modem_control
  movb UART + AFTERBURNER_XEN_UART_MODEM_CONTROL(%rip), %al
  FAST_RETURN

HANDLER afterburner_xen_io_in_uart_line_status
  movb $AFTERBURNER_XEN_UART_LINE_STATUS_IDLE, %al
  FAST_RETURN

HANDLER afterburner_xen_io_in_uart_modem_status
  movb $AFTERBURNER_XEN_UART_MODEM_STATUS, %al
  FAST_RETURN

HANDLER afterburner_xen_io_in_uart_scratch
  movb UART + AFTERBURNER_XEN_UART_SCRATCH(%rip), %al
  FAST_RETURN

/* COM1 writes (UartModel::write). A THR byte goes into the console line as
 * ConsoleBuffer::put would put it: flushed at a newline or when the line is full. */
HANDLER afterburner_xen_io_out_uart_data
  FULL_IF_DIVISOR_LATCH
  movq CONSOLE + AFTERBURNER_XEN_CONSOLE_USED(%rip), %rcx
  leaq CONSOLE + AFTERBURNER_XEN_CONSOLE_BYTES(%rip), %rsi
  movb %al, (%rsi, %rcx)
  leaq 1(%rcx), %rcx
  movq %rcx, CONSOLE + AFTERBURNER_XEN_CONSOLE_USED(%rip)
  leaq -AFTERBURNER_XEN_CONSOLE_CAPACITY(%rcx), %rcx
  jrcxz 1f                       /* full */
  movzbl %al, %ecx
  leal -0x0a(%rcx), %ecx          /* '\n' */
  jrcxz 1f                       /* end of line */
  FAST_RETURN
1:
  popq %rsi
  popq %rcx
  jmp afterburner_xen_io_flush

HANDLER afterburner_xen_io_out_uart_interrupt_enable
  FULL_IF_DIVISOR_LATCH
  movb %al, UART + AFTERBURNER_XEN_UART_INTERRUPT_ENABLE(%rip)
  FAST_RETURN

HANDLER afterburner_xen_io_out_uart_line_control
  movb %al, UART + AFTERBURNER_XEN_UART_LINE_CONTROL(%rip)
  FAST_RETURN

HANDLER afterburner_xen_io_out_uart_modem_control
  movb %al, UART + AFTERBURNER_XEN_UART_MODEM_CONTROL(%rip)
  FAST_RETURN

HANDLER afterburner_xen_io_out_uart_scratch
  movb %al, UART + AFTERBURNER_XEN_UART_SCRATCH(%rip)
  FAST_RETURN

  .section .note.GNU-stack, "", @progbits
