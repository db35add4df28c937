// devices.h: the PC devices the sample kernels program, on what Akaros has.
// Akaros's VMM has no UART, PIT or PIC (port I/O to them is ignored or, for
// encodings it cannot decode, fatal), so every port access becomes a site call here:
//   COM1 16550    -> a register model whose THR feeds the Console (ring or PRINTC)
//   8254 PIT      -> wedges/common PitModel; channel 0 is mapped onto the x2APIC timer
//                    (Akaros's 1 MHz timer, divide by 1), channel 2 and port 0x61 are
//                    derived from the TSC (calibration works without any exit)
//   8259 PIC      -> wedges/common PicModel; its IRQ 0 vector and mask drive the x2APIC
//                    timer's LVT, and an EOI becomes an x2APIC EOI (no exit on Akaros)
//   0xf4 (QEMU isa-debug-exit, the samples' power-off) -> SHUTDOWN vmcall
//   anything else -> reads all ones, writes dropped, no port I/O ever issued.
#ifndef AFTERBURNER_WEDGES_AKAROS_DEVICES_H
#define AFTERBURNER_WEDGES_AKAROS_DEVICES_H

#include "console.h"
#include "platform.h"

#include "../common/pit_pic_model.h"

#include <stdint.h>

namespace afterburner::akaros {

// The registers of one 16550 seen by a polled driver: transmit always ready.
class UartModel {
public:
  static constexpr uint16_t Base = 0x3f8;
  static bool ownsPort(uint16_t port) { return port >= Base && port < Base + 8; }
  // Returns true when the write is a byte for the console (THR with DLAB clear).
  bool write(uint16_t port, uint8_t value);
  uint8_t read(uint16_t port) const;

private:
  uint8_t registers_[8] = {};
  uint8_t divisorLatch_[2] = {};
};

class DeviceRouter {
public:
  static constexpr uint16_t DebugExitPort = 0xf4;
  static constexpr uint16_t IoDelayPort = 0x80;

  void reset(const Platform *platform, Console *console, uint64_t tscKilohertz);
  uint32_t in(uint16_t port, unsigned width);
  void out(uint16_t port, unsigned width, uint32_t value);
  // The x2APIC timer's LVT value the wedge programmed last (tests).
  uint32_t timerVector() const { return timerLvt_; }
  uint32_t timerInitialCount() const { return timerCount_; }
  uint64_t nowNanoseconds() const;

private:
  void updateTimer();
  int irq0Vector() const;

  const Platform *platform_ = nullptr;
  Console *console_ = nullptr;
  uint64_t tscKilohertz_ = 0;
  UartModel uart_;
  wedge::PitModel pit_;
  wedge::PicModel pic_;
  uint32_t timerLvt_ = X2apicMasked;
  uint32_t timerCount_ = 0;
};

} // namespace afterburner::akaros

#endif
