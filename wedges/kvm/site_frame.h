// site_frame.h: the registers site_entry.S saves for a site-call handler
// (wedge_abi.h section 3), and the accumulator/ register helpers the port and cpuid
// handlers need. Pure: compiles hosted.
#ifndef AFTERBURNER_WEDGES_KVM_SITE_FRAME_H
#define AFTERBURNER_WEDGES_KVM_SITE_FRAME_H

#include <stddef.h>
#include <stdint.h>

namespace afterburner::kvm {

// Lowest address first: the entry pushes rax first and the flags last, so the
// struct ends with the return address R the site's call pushed.
struct SiteFrame {
  uint64_t flags;
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rdi, rsi, rbp, rdx, rcx, rbx, rax;
  uint64_t returnAddress;
};
static_assert(sizeof(SiteFrame) == 17 * 8, "16 saved words below R");
static_assert(offsetof(SiteFrame, returnAddress) == 128, "site_entry.S reads R at 128(%rsp)");

constexpr uint64_t FlagDirection = 1u << 10;

// Writes an in/cpuid result the way x86 does: a 4-byte write zero-extends, 1- and
// 2-byte writes keep the rest of the register.
inline void writeRegister(uint64_t &slot, uint32_t value, unsigned width) {
  if (width == 4)
    slot = value;
  else if (width == 2)
    slot = (slot & ~uint64_t{0xffff}) | (value & 0xffff);
  else
    slot = (slot & ~uint64_t{0xff}) | (value & 0xff);
}

} // namespace afterburner::kvm

#endif
