// console.h: the COM1 16550 as the kernel sees it, with exits taken out of the
// transmit path. The wedge is the transmitter: transmitted bytes are buffered and
// written per line with one string instruction, and line-status polls are answered
// "transmitter empty" from memory. Only a kernel that reads input (it has read the
// receive buffer) gets real line-status reads, when it polls without transmitting,
// so it sees data arrive. The scratch register, plain storage, is kept in memory.
// Everything else goes to the real UART.
#ifndef AFTERBURNER_WEDGES_KVM_CONSOLE_H
#define AFTERBURNER_WEDGES_KVM_CONSOLE_H

#include "port_hardware.h"

#include <stdint.h>

namespace afterburner::kvm {

class UartConsole {
public:
  static constexpr uint16_t Com1 = 0x3f8;
  static constexpr unsigned PortCount = 8;
  static constexpr unsigned BufferSize = 128;
  // Register offsets (with the divisor latch closed).
  static constexpr uint16_t TransmitHolding = 0;
  static constexpr uint16_t LineControl = 3;
  static constexpr uint16_t LineStatus = 5;
  static constexpr uint16_t Scratch = 7;
  static constexpr uint8_t LineControlDivisorLatch = 0x80;
  static constexpr uint8_t LineStatusDataReady = 0x01;
  static constexpr uint8_t LineStatusTransmitterIdle = 0x60; // THRE | TEMT

  // Starts at COM1 with nothing buffered; call before the first access.
  void reset(const PortHardware *hardware);
  bool owns(uint16_t port) const { return port >= Base && port < Base + PortCount; }
  // A byte written here is transmitted (data port, divisor latch closed).
  bool isTransmitPort(uint16_t port) const {
    return port == Base + TransmitHolding && !divisorLatchOpen();
  }
  uint8_t readByte(uint16_t port);
  void writeByte(uint16_t port, uint8_t value);
  // Sends what is buffered (before any other device sees an access, so output
  // stays in order with, e.g., a debug-exit write).
  void flush();
  unsigned buffered() const { return Length; }

private:
  bool divisorLatchOpen() const { return (LineControlValue & LineControlDivisorLatch) != 0; }
  uint8_t readLineStatus();
  void transmit(uint8_t value);

  const PortHardware *Hardware;
  uint16_t Base;
  uint8_t LineControlValue;
  // The last real line status's data-ready bit, reported in answered polls.
  uint8_t DataReady;
  // A poll was answered since the last transmitted byte: a second poll in a row is
  // not a transmit loop (it waits for input or for the line to drain).
  bool AnsweredPoll;
  // The kernel has read the receive buffer: its polls may be waiting for input.
  bool ReadsInput;
  bool ScratchKnown;
  uint8_t ScratchValue;
  unsigned Length;
  uint8_t Buffer[BufferSize];
};

} // namespace afterburner::kvm

#endif
