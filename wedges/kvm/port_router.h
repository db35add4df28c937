// port_router.h: where each port access of the guest goes under KVM. Accesses the
// wedge can answer or drop cost no exit; everything else reaches the device
// unchanged, in order (the console's buffer is flushed first).
//
//   port                 read                         write
//   0x3f8-0x3ff (COM1)   LSR answered between bytes   THR buffered, one string
//                                                     write per line
//   0x40-0x43 (PIT)      from the kvmclock model      channel 0/1 programming
//                                                     passed on (IRQ 0); latch
//                                                     commands and channel 2 only
//                                                     modelled while the speaker is off
//   0x61                 OUT2/refresh from the model  passed on when a bit other
//                                                     than the channel 2 gate changes
//   0x20/0x21/0xa0/0xa1  masks from memory            unchanged masks dropped; a
//                                                     command (EOI) sends a pending
//                                                     partial line first
//   0x80                 passed on                    dropped with NOP_IO_DELAY
//
// Without kvmclock the PIT and port 0x61 are passed on untouched.
#ifndef AFTERBURNER_WEDGES_KVM_PORT_ROUTER_H
#define AFTERBURNER_WEDGES_KVM_PORT_ROUTER_H

#include "console.h"
#include "pic.h"
#include "pit.h"
#include "port_hardware.h"

#include <stddef.h>
#include <stdint.h>

namespace afterburner::kvm {

class PortRouter {
public:
  void reset(const PortHardware *hardware, bool dropIoDelay);
  uint32_t in(uint16_t port, unsigned width);
  void out(uint16_t port, unsigned width, uint32_t value);
  // True when the console takes a string write (outs to its data port) byte by
  // byte; otherwise the caller executes the string instruction itself.
  bool takesString(uint16_t port, unsigned width) const;
  // Before the caller touches another device directly (string I/O): sends the
  // buffered text and waits until it is out, so output keeps its order.
  void flushConsole();
  UartConsole &console() { return Console; }

private:
  bool modelsTimer() const { return Hardware->nowNanoseconds != nullptr; }
  uint64_t now() const { return Hardware->nowNanoseconds(); }
  uint8_t readSystemControl();
  void writeTimer(uint16_t port, uint8_t value);
  void writeSystemControl(uint8_t value);
  bool speakerOn() const { return (HardwareSystemControl & 0x02) != 0; }
  void replayChannel2();
  uint8_t readPic(uint16_t port);
  uint32_t passIn(uint16_t port, unsigned width);
  void passOut(uint16_t port, unsigned width, uint32_t value);

  const PortHardware *Hardware;
  bool DropIoDelay;
  bool SystemControlKnown;       // port 0x61 was read from the device once
  uint8_t HardwareSystemControl; // port 0x61 as the device has it
  uint8_t Channel2Control;       // the last control word for channel 2
  uint8_t Channel2Bytes[2];      // and the count bytes written after it
  uint8_t Channel2ByteCount;
  UartConsole Console;
  PitModel Timer;
  PicMaskCache Pic;
};

} // namespace afterburner::kvm

#endif
