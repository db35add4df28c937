// flag_merge.h: how pushf and popf see the interrupt flag under Xen PV. A PV kernel runs
// with the real IF always set; its virtual IF is !vcpu_info.evtchn_upcall_mask. pushf must
// show the real arithmetic flags with IF taken from the mask; popf must load the
// arithmetic flags and turn IF into the mask. irq_templates.inc and irq_x86_64.S implement
// exactly this in flag-preserving assembly; these functions are the specification its
// tests check.
#pragma once

#include <stdint.h>

namespace afterburner::xen {

constexpr uint64_t FlagInterrupt = 1u << 9;
// What popf loads for real: CF PF AF ZF SF TF DF OF NT and reserved bit 1, as a ring-3
// popfq does. IOPL and IF stay as Xen keeps them; AC is not loaded (at CPL 3 it would turn
// on alignment checks a ring-0 kernel never has), nor ID.
constexpr uint64_t FlagsLoadable = 0x0001u | 0x0002u | 0x0004u | 0x0010u | 0x0040u | 0x0080u |
                                   0x0100u | 0x0400u | 0x0800u | 0x4000u;

// The image pushf writes: the real flags with IF replaced by the virtual IF.
constexpr uint64_t pushfImage(uint64_t realFlags, uint8_t upcallMask) {
  return (realFlags & ~FlagInterrupt) | (upcallMask ? 0 : FlagInterrupt);
}

// The mask popf leaves: events masked when the popped image has IF clear.
constexpr uint8_t popfMask(uint64_t image) {
  return (image & FlagInterrupt) ? 0 : 1;
}

// The flags popf loads for real (IF forced on: a PV guest's real IF is always set).
constexpr uint64_t popfRealFlags(uint64_t image) {
  return (image & FlagsLoadable) | FlagInterrupt;
}

// After an unmasking sti or popf, the wedge forces the pending upcall.
constexpr bool mustForceUpcall(uint8_t maskAfter, uint8_t upcallPending) {
  return maskAfter == 0 && upcallPending != 0;
}

} // namespace afterburner::xen
