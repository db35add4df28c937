// port_hardware.h: the real port I/O and clock the device models fall back on. The
// guest build points these at instructions (hardware.cpp); hosted tests at fakes.
#ifndef AFTERBURNER_WEDGES_KVM_PORT_HARDWARE_H
#define AFTERBURNER_WEDGES_KVM_PORT_HARDWARE_H

#include <stddef.h>
#include <stdint.h>

namespace afterburner::kvm {

struct PortHardware {
  // in/out of width 1, 2 or 4 bytes: each is one exit under KVM.
  uint32_t (*in)(uint16_t port, unsigned width);
  void (*out)(uint16_t port, unsigned width, uint32_t value);
  // Writes count bytes to one port with a single string instruction (rep outsb).
  void (*outBytes)(uint16_t port, const uint8_t *bytes, size_t count);
  // Nanoseconds of guest time from kvmclock; NULL when kvmclock is not in use.
  uint64_t (*nowNanoseconds)();
  // Waits until text given to outBytes has reached its device (a queue-based
  // console); NULL when outBytes is synchronous.
  void (*drain)();
};

} // namespace afterburner::kvm

#endif
