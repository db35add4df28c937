// hardware.h: the real instructions the wedge executes on the guest's behalf. The
// wedge library is assembled by the system assembler, so these are never sites:
// they run natively (and exit to KVM where the hardware says so).
// Guest build only; the hosted tests use FakeHardware instead.
#ifndef AFTERBURNER_WEDGES_KVM_HARDWARE_H
#define AFTERBURNER_WEDGES_KVM_HARDWARE_H

#include "cpuid_cache.h"
#include "port_hardware.h"

#include <stddef.h>
#include <stdint.h>

namespace afterburner::kvm::hardware {

CpuidResult cpuid(uint32_t leaf, uint32_t subleaf);
// CR4 and XCR0 (0 while CR4.OSXSAVE is clear): neither read exits under VMX/SVM.
ControlState controlState();
void writeMsr(uint32_t msr, uint64_t value);
uint64_t readTimestamp();

uint32_t portIn(uint16_t port, unsigned width);
void portOut(uint16_t port, unsigned width, uint32_t value);
// One `rep outsb`: under KVM one exit per byte, but no line-status polls.
void portOutBytes(uint16_t port, const uint8_t *bytes, size_t count);

// rep outs with the interrupted code's registers: the source address and count
// advance as the instruction would advance them (count == 1 without rep).
struct StringIo {
  uint16_t port;
  unsigned width;
  bool backward; // DF set
  uint64_t address;
  uint64_t count;
};
void stringOut(StringIo &io);

} // namespace afterburner::kvm::hardware

#endif
