/*
 * io_layout.h: what the port I/O fast paths (io_x86_64.S) know about the C++ objects they
 * read and write directly: field offsets of the site record, the COM1 model and the
 * console buffer, and the constant registers of the 16550. Plain macros, so the assembly
 * can include it; uart_model.h, console_buffer.h and io_routes.cpp pin every value with
 * static_asserts.
 */
#ifndef AFTERBURNER_XEN_IO_LAYOUT_H
#define AFTERBURNER_XEN_IO_LAYOUT_H

/* struct afterburner_site (site_abi.h) */
#define AFTERBURNER_XEN_SITE_WIDTH 11
#define AFTERBURNER_XEN_SITE_IMMEDIATE 18

/* UartModel (uart_model.h): its register bytes */
#define AFTERBURNER_XEN_UART_INTERRUPT_ENABLE 8
#define AFTERBURNER_XEN_UART_LINE_CONTROL 9
#define AFTERBURNER_XEN_UART_MODEM_CONTROL 10
#define AFTERBURNER_XEN_UART_SCRATCH 11

/* What the 16550 model's constant registers read as */
#define AFTERBURNER_XEN_UART_NO_INPUT 0x00
#define AFTERBURNER_XEN_UART_INTERRUPT_IDENTITY 0xc1 /* no interrupt pending, FIFOs on */
#define AFTERBURNER_XEN_UART_LINE_STATUS_IDLE 0x60   /* THRE | TEMT, no data ready */
#define AFTERBURNER_XEN_UART_MODEM_STATUS 0xb0       /* DCD, DSR, CTS */

/* ConsoleBuffer (console_buffer.h) */
#define AFTERBURNER_XEN_CONSOLE_USED 8
#define AFTERBURNER_XEN_CONSOLE_BYTES 16
#define AFTERBURNER_XEN_CONSOLE_CAPACITY 256

/* Port 0x80 (the classic I/O delay) reads as */
#define AFTERBURNER_XEN_DELAY_PORT_VALUE 0xff

#endif /* AFTERBURNER_XEN_IO_LAYOUT_H */
