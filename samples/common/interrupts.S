/*
 * interrupts.S: the 48 interrupt entry stubs (exceptions 0-31, PIC IRQs 32-47) and the
 * common path that saves the general registers, calls kernel_interrupt(frame) in C++ and
 * returns with iretq. Every stub is 16 bytes apart, so the IDT code computes stub
 * addresses as kernel_interrupt_stubs + 16 * vector.
 */
#include "interrupt_frame.inc"

  .text
  .balign 16
  .globl kernel_interrupt_stubs
kernel_interrupt_stubs:
  .irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
  .balign 16
  /* The CPU pushes an error code for these exceptions; the others get a zero. */
  .if (\vector == 8) || (\vector == 10) || (\vector == 11) || (\vector == 12) || (\vector == 13) || (\vector == 14) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
  .else
  pushq $0
  .endif
  pushq $\vector
  jmp interrupt_common
  .endr

/* Stack on entry: vector, error code, then the CPU's rip, cs, rflags, rsp, ss. */
interrupt_common:
  CALL_WITH_INTERRUPT_FRAME kernel_interrupt

  .section .note.GNU-stack, "", @progbits
