/* SPDX-License-Identifier: MIT */
/*
 * frame.h: the register frame a wedge's C/C++ handler receives from the common
 * site-call trampolines (entry.h, entry_x86_64.S). C11, C++17 and assembler.
 *
 * The trampoline saves every general register and the flags into the frame, calls
 * the handler, and loads them back: a handler emulates an instruction by changing
 * the frame (rdmsr: rax and rdx; in: rax; lar: the destination and ZF in rflags).
 *
 * rsp and rip describe the interrupted code:
 *   rsp  its stack pointer at the site (the value before the site's `call`).
 *   rip  where it continues: the site's return address R (plain entries), or R + 7,
 *        just after the record-reference nop (stack entries).
 * Plain entries (AFTERBURNER_SITE_HANDLER) ignore changes to rsp and rip: they
 * return to R. Stack entries (AFTERBURNER_STACK_SITE_HANDLER) continue at frame->rip
 * with %rsp = frame->rsp, so a handler emulates pushf/popf/push sreg/pop sreg/far
 * call/far ret/iret by pushing or popping on the interrupted stack with
 * afterburner_frame_push()/afterburner_frame_pop() and, for control transfers,
 * setting rip. The frame itself lives more than 64 bytes below the interrupted
 * %rsp, so up to 56 bytes may be pushed without touching it.
 */
#ifndef AFTERBURNER_COMMON_FRAME_H
#define AFTERBURNER_COMMON_FRAME_H

/* Byte offsets of the fields (for the trampolines). */
#define AFTERBURNER_FRAME_R15 0
#define AFTERBURNER_FRAME_R14 8
#define AFTERBURNER_FRAME_R13 16
#define AFTERBURNER_FRAME_R12 24
#define AFTERBURNER_FRAME_R11 32
#define AFTERBURNER_FRAME_R10 40
#define AFTERBURNER_FRAME_R9 48
#define AFTERBURNER_FRAME_R8 56
#define AFTERBURNER_FRAME_RDI 64
#define AFTERBURNER_FRAME_RSI 72
#define AFTERBURNER_FRAME_RBP 80
#define AFTERBURNER_FRAME_RBX 88
#define AFTERBURNER_FRAME_RDX 96
#define AFTERBURNER_FRAME_RCX 104
#define AFTERBURNER_FRAME_RAX 112
#define AFTERBURNER_FRAME_RFLAGS 120
#define AFTERBURNER_FRAME_RSP 128
#define AFTERBURNER_FRAME_RIP 136
#define AFTERBURNER_FRAME_SIZE 144

#if !defined(__ASSEMBLER__)
#include <stddef.h>
#include <stdint.h>

/* In push order reversed: the lowest address is the last register pushed. */
struct afterburner_frame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
  uint64_t rflags;
  uint64_t rsp;
  uint64_t rip;
};

/* A general register by its x86 number (site_abi.h AFTERBURNER_REG_*: rax = 0 ...
 * r15 = 15), e.g. the `base` of a GPR operand. NULL for rsp (use frame->rsp) and
 * numbers above 15. */
static inline uint64_t *afterburner_frame_register(struct afterburner_frame *frame,
                                                   unsigned number) {
  switch (number) {
  case 0:
    return &frame->rax;
  case 1:
    return &frame->rcx;
  case 2:
    return &frame->rdx;
  case 3:
    return &frame->rbx;
  case 5:
    return &frame->rbp;
  case 6:
    return &frame->rsi;
  case 7:
    return &frame->rdi;
  case 8:
    return &frame->r8;
  case 9:
    return &frame->r9;
  case 10:
    return &frame->r10;
  case 11:
    return &frame->r11;
  case 12:
    return &frame->r12;
  case 13:
    return &frame->r13;
  case 14:
    return &frame->r14;
  case 15:
    return &frame->r15;
  default:
    return NULL;
  }
}

/* Pushes width (2, 4 or 8) bytes of value on the interrupted stack (stack entries). */
static inline void afterburner_frame_push(struct afterburner_frame *frame, uint64_t value,
                                          unsigned width) {
  frame->rsp -= width;
  __builtin_memcpy((void *)(uintptr_t)frame->rsp, &value, width);
}

/* Pops width (2, 4 or 8) bytes from the interrupted stack (stack entries). */
static inline uint64_t afterburner_frame_pop(struct afterburner_frame *frame, unsigned width) {
  uint64_t value = 0;
  __builtin_memcpy(&value, (const void *)(uintptr_t)frame->rsp, width);
  frame->rsp += width;
  return value;
}

#ifdef __cplusplus
#define AFTERBURNER_FRAME_ASSERT(condition, message) static_assert(condition, message)
#else
#define AFTERBURNER_FRAME_ASSERT(condition, message) _Static_assert(condition, message)
#endif
AFTERBURNER_FRAME_ASSERT(sizeof(struct afterburner_frame) == AFTERBURNER_FRAME_SIZE, "frame size");
AFTERBURNER_FRAME_ASSERT(offsetof(struct afterburner_frame, rax) == AFTERBURNER_FRAME_RAX, "rax");
AFTERBURNER_FRAME_ASSERT(offsetof(struct afterburner_frame, rflags) == AFTERBURNER_FRAME_RFLAGS,
                         "rflags");
AFTERBURNER_FRAME_ASSERT(offsetof(struct afterburner_frame, rsp) == AFTERBURNER_FRAME_RSP, "rsp");
AFTERBURNER_FRAME_ASSERT(offsetof(struct afterburner_frame, rip) == AFTERBURNER_FRAME_RIP, "rip");
AFTERBURNER_FRAME_ASSERT(offsetof(struct afterburner_frame, rdi) == AFTERBURNER_FRAME_RDI, "rdi");
#endif /* !__ASSEMBLER__ */

#endif /* AFTERBURNER_COMMON_FRAME_H */
