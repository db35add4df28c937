/*
 * io_x86_64.S: the port I/O entries (in/out sites, CALL form). They follow wedge_abi.h's
 * site-call convention: in writes al/ax/eax, out writes nothing, and every other register
 * and the arithmetic flags are preserved.
 *
 * Every in/out site first calls afterburner_xen_site_port_io_first: the full path, which
 * saves the flags and the caller-saved registers and calls afterburner_xen_port_io_first
 * (io.cpp). That does the access and points the site's call at the entry its record and
 * port call for (siteEntryAfterFirstCall, io_routes.cpp), so later runs skip both the
 * record and the dispatch:
 *   - dx form, byte, a port with a fast route (COM1, 0x80): that port's guarded stub.
 *     While edx holds the port it answers at once. The first other edx goes through
 *     the full path once more (afterburner_xen_site_port_io_megamorphic), which points
 *     the site at the byte table path for good: a site that serves several ports (a
 *     generic serial_in(offset)) pays the table path, never a guard that keeps missing,
 *     and no site is rewritten more than twice;
 *   - dx form, byte, another port: the byte table path (afterburner_xen_io_*_dx_any):
 *     directory[dh] -> page, page[dl] -> handler (io_routes.cpp), full path if no route;
 *   - imm8 form, byte, port 0x80: the delay stub, no guard (the port is in the code);
 *   - everything else (wider accesses, PIT, 8259, pass-through): the full path.
 * The stubs, the table path and its handlers never touch the flags, so they need no flag
 * save: only mov, movzx/movsx, lea, xchg, push/pop, jrcxz/jecxz and jumps. Under QEMU TCG
 * a flag save and restore alone (pushfq, then std/cld, an add for OF and sahf) costs
 * several times a whole fast access, and reading the site's record costs as much as the
 * rest of the table path (README, Port I/O).
 *
 * In the table path and its handlers: (%rsp) = the kernel's rsi, 8(%rsp) = its rcx,
 * 16(%rsp) = R (wedge_abi.h section 3); rdx and rax are the instruction's operands.
 */
#include "io_layout.h"
#include "registers.inc"

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
  PUSH_CALLER_SAVED_BUT_RAX
  cld
.endm

.macro RESTORE_CALLER_SAVED
  POP_CALLER_SAVED_BUT_RAX
  movq 8(%rsp), %rax             /* the flags */
  RESTORE_FLAGS_FROM_RAX
  popq %rax
  leaq 8(%rsp), %rsp
.endm

/* CALL_ALIGNED function: a C++ call on a 16-byte aligned stack (the site's stack is only
 * 8-byte aligned); rbx keeps the stack pointer, so it is saved around the call. */
.macro CALL_ALIGNED function
  pushq %rbx
  movq %rsp, %rbx
  andq $-16, %rsp
  call \function
  movq %rbx, %rsp
  popq %rbx
.endm

/*
 * FULL_ENTRY name, function: saves the flags and the caller-saved registers and calls
 * function(record, rax, rdx, R), which does the access and returns the new rax.
 */
.macro FULL_ENTRY name, function
  .globl \name
  .type \name, @function
\name:
  SAVE_CALLER_SAVED
  movq 80(%rsp), %rcx            /* R */
  movslq 3(%rcx), %rax
  leaq 3(%rcx, %rax), %rdi       /* the record */
  movq 64(%rsp), %rsi
  movq 48(%rsp), %rdx
  CALL_ALIGNED \function
  movq %rax, 64(%rsp)
  RESTORE_CALLER_SAVED
  ret
  .size \name, . - \name
.endm

  .text
  FULL_ENTRY afterburner_xen_site_port_io, afterburner_xen_port_io
  FULL_ENTRY afterburner_xen_site_port_io_first, afterburner_xen_port_io_first
  FULL_ENTRY afterburner_xen_site_port_io_megamorphic, afterburner_xen_port_io_megamorphic

/* A THR byte filled the console line or ended it: hand the line to Xen, then return to R. */
  .type afterburner_xen_io_flush, @function
afterburner_xen_io_flush:
  SAVE_CALLER_SAVED
  CALL_ALIGNED afterburner_xen_console_flush
  RESTORE_CALLER_SAVED
  ret
  .size afterburner_xen_io_flush, . - afterburner_xen_io_flush

/* ---- The byte table path (dx form) -------------------------------------------------- */

.macro BYTE_TABLE_ENTRY name, directory
  .globl \name
  .type \name, @function
\name:
  pushq %rcx
  pushq %rsi
  movzbl %dh, %esi
  leaq \directory(%rip), %rcx
  movq (%rcx, %rsi, 8), %rcx     /* the page of the port's high byte */
  movzbl %dl, %esi
  jmpq *(%rcx, %rsi, 8)
  .size \name, . - \name
.endm

  BYTE_TABLE_ENTRY afterburner_xen_io_in_dx_any, afterburner_xen_in_byte_directory
  BYTE_TABLE_ENTRY afterburner_xen_io_out_dx_any, afterburner_xen_out_byte_directory

/* ---- Handlers (the table pages point at them) and per-port stubs ------------------- */

.macro HANDLER name
  .globl \name
  .type \name, @function
\name:
.endm

/* Back to R with the kernel's rsi and rcx (the table path saved them). */
.macro FAST_RETURN
  popq %rsi
  popq %rcx
  ret
.endm

/*
 * DX_STUB name, port: a dx-form site's own entry once its first run saw port. Falls
 * through with every register as it came while edx holds port exactly; otherwise goes to
 * the full path that moves the site to the table path. xchg and lea leave the flags
 * alone and jecxz tests without them.
 */
.macro DX_STUB name, port
  HANDLER \name
  .set .Lport\@, \port
  xchgq %rcx, %rdx
  leaq -.Lport\@(%rcx), %rcx
  jecxz 1f
  leaq .Lport\@(%rcx), %rcx
  xchgq %rcx, %rdx
  jmp afterburner_xen_site_port_io_megamorphic
1:
  leaq .Lport\@(%rcx), %rcx
  xchgq %rcx, %rdx
.endm

/*
 * SIMPLE_ROUTE handler, stub, port, body: a register whose access is one
 * instruction (body) with no scratch register: the table path's handler and the port's
 * stub.
 */
.macro SIMPLE_ROUTE handler, stub, port, body:vararg
HANDLER \handler
  \body
  FAST_RETURN
DX_STUB \stub, \port
  \body
  ret
.endm

/* SCRATCH_ROUTE stub, port, handler: the port's stub saves rcx and rsi as
 * the table path does and runs the table path's handler, which needs them. */
.macro SCRATCH_ROUTE stub, port, handler
DX_STUB \stub, \port
  pushq %rcx
  pushq %rsi
  jmp \handler
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

/* Port 0x80, the classic I/O delay; the imm8 forms need no guard. */
#define DELAY_PORT 0x80
  SIMPLE_ROUTE afterburner_xen_io_in_delay, afterburner_xen_io_in_dx_delay, DELAY_PORT, \
    movb $AFTERBURNER_XEN_DELAY_PORT_VALUE, %al
  SIMPLE_ROUTE afterburner_xen_io_out_delay, afterburner_xen_io_out_dx_delay, DELAY_PORT
HANDLER afterburner_xen_io_in_imm_delay
  movb $AFTERBURNER_XEN_DELAY_PORT_VALUE, %al
  ret
HANDLER afterburner_xen_io_out_imm_delay
  ret

/* COM1 reads (UartModel::read, register by register). */
#define COM1 0x3f8
HANDLER afterburner_xen_io_in_uart_data
  FULL_IF_DIVISOR_LATCH
  movb $AFTERBURNER_XEN_UART_NO_INPUT, %al
  FAST_RETURN
  SCRATCH_ROUTE afterburner_xen_io_in_dx_uart0, COM1 + 0, afterburner_xen_io_in_uart_data

HANDLER afterburner_xen_io_in_uart_interrupt_enable
  FULL_IF_DIVISOR_LATCH
  movb UART + AFTERBURNER_XEN_UART_INTERRUPT_ENABLE(%rip), %al
  FAST_RETURN
  SCRATCH_ROUTE afterburner_xen_io_in_dx_uart1, COM1 + 1, \
    afterburner_xen_io_in_uart_interrupt_enable

  SIMPLE_ROUTE afterburner_xen_io_in_uart_interrupt_identity, afterburner_xen_io_in_dx_uart2, \
    COM1 + 2, movb $AFTERBURNER_XEN_UART_INTERRUPT_IDENTITY, %al
  SIMPLE_ROUTE afterburner_xen_io_in_uart_line_control, afterburner_xen_io_in_dx_uart3, \
    COM1 + 3, movb UART + AFTERBURNER_XEN_UART_LINE_CONTROL(%rip), %al
  SIMPLE_ROUTE afterburner_xen_io_in_uart_modem_control, afterburner_xen_io_in_dx_uart4, \
    COM1 + 4, movb UART + AFTERBURNER_XEN_UART_MODEM_CONTROL(%rip), %al
  SIMPLE_ROUTE afterburner_xen_io_in_uart_line_status, afterburner_xen_io_in_dx_uart5, \
    COM1 + 5, movb $AFTERBURNER_XEN_UART_LINE_STATUS_IDLE, %al
  SIMPLE_ROUTE afterburner_xen_io_in_uart_modem_status, afterburner_xen_io_in_dx_uart6, \
    COM1 + 6, movb $AFTERBURNER_XEN_UART_MODEM_STATUS, %al
  SIMPLE_ROUTE afterburner_xen_io_in_uart_scratch, afterburner_xen_io_in_dx_uart7, \
    COM1 + 7, movb UART + AFTERBURNER_XEN_UART_SCRATCH(%rip), %al

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
  SCRATCH_ROUTE afterburner_xen_io_out_dx_uart0, COM1 + 0, afterburner_xen_io_out_uart_data

HANDLER afterburner_xen_io_out_uart_interrupt_enable
  FULL_IF_DIVISOR_LATCH
  movb %al, UART + AFTERBURNER_XEN_UART_INTERRUPT_ENABLE(%rip)
  FAST_RETURN
  SCRATCH_ROUTE afterburner_xen_io_out_dx_uart1, COM1 + 1, \
    afterburner_xen_io_out_uart_interrupt_enable

/* FIFO control, line status and modem status writes change nothing in the model. */
  SIMPLE_ROUTE afterburner_xen_io_out_uart_ignore, afterburner_xen_io_out_dx_uart2, \
    COM1 + 2
  DX_STUB afterburner_xen_io_out_dx_uart5, COM1 + 5
  ret
  DX_STUB afterburner_xen_io_out_dx_uart6, COM1 + 6
  ret
  SIMPLE_ROUTE afterburner_xen_io_out_uart_line_control, afterburner_xen_io_out_dx_uart3, \
    COM1 + 3, movb %al, UART + AFTERBURNER_XEN_UART_LINE_CONTROL(%rip)
  SIMPLE_ROUTE afterburner_xen_io_out_uart_modem_control, afterburner_xen_io_out_dx_uart4, \
    COM1 + 4, movb %al, UART + AFTERBURNER_XEN_UART_MODEM_CONTROL(%rip)
  SIMPLE_ROUTE afterburner_xen_io_out_uart_scratch, afterburner_xen_io_out_dx_uart7, \
    COM1 + 7, movb %al, UART + AFTERBURNER_XEN_UART_SCRATCH(%rip)

  .section .note.GNU-stack, "", @progbits
