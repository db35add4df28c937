// site_frame.h: the register image the wedge's site-call trampoline saves (irq_x86_64.S,
// AFTERBURNER_XEN_SITE_ENTRY) and hands to a C++ handler, and the operand helpers that
// read a site record against it. Pure logic: no hypercalls, testable hosted.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <afterburner/site_abi.h>

namespace afterburner::xen {

// Lowest address first: the trampoline pushes rax first and the flags last.
struct SiteFrame {
  uint64_t flags;
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rdi, rsi, rbp, rdx, rcx, rbx, rax;
  uint64_t returnAddress; // R = site + 5 (wedge_abi.h, section 3)
};
static_assert(sizeof(SiteFrame) == 17 * 8, "the trampoline pushes 16 words below R");
static_assert(offsetof(SiteFrame, rax) == 15 * 8, "rax is pushed first");

// The interrupted code's %rsp: just above the return-address slot.
inline uint64_t interruptedStackPointer(const SiteFrame &frame) {
  return uint64_t(uintptr_t(&frame.returnAddress)) + 8;
}

// A general register by AFTERBURNER_REG_* number; nullptr for rsp (read it with
// interruptedStackPointer) and out-of-range numbers.
uint64_t *registerSlot(SiteFrame &frame, unsigned number);
uint64_t readRegister(SiteFrame &frame, unsigned number);
// Writes width bytes of a register the way x86 does: 4-byte writes zero the upper half,
// 1- and 2-byte writes merge.
void writeRegister(SiteFrame &frame, unsigned number, uint64_t value, unsigned width);

// Segment bases for fs/gs overrides (the wedge's shadows of what the kernel set).
struct SegmentBases {
  uint64_t fs = 0;
  uint64_t gs = 0;
};

// The linear address of a MEMORY or MEMORY_SELF_RELATIVE operand; 0 for other forms.
uint64_t effectiveAddress(SiteFrame &frame, const afterburner_site &site,
                          const SegmentBases &bases);

} // namespace afterburner::xen
