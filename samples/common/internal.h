// internal.h: the kernel's own pieces, shared between samples/common files only.
#pragma once

#include "kernel.h"

#include <stdint.h>

extern "C" {
// interrupts.S: 48 stubs, 16 bytes apart.
extern const char kernel_interrupt_stubs[];

// What interrupts.S pushes, lowest address first.
struct InterruptFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, errorCode;
  uint64_t rip, cs, rflags, rsp, ss;
};

void kernel_interrupt(InterruptFrame *frame);
}

namespace kernel {

void initializeDescriptors();
void initializePaging();
// Writes value to address; false (and no panic) when the write page-faults, e.g. a device
// page the platform does not let the kernel reach.
bool tryWrite32(volatile uint32_t *address, uint32_t value);
// The identity map covers [0, identityMapLimit()): RAM and the 32-bit MMIO hole.
uint64_t identityMapLimit();

} // namespace kernel
