// uart_model.h: the 16550 on COM1 as far as a polled console driver sees it. Transmitted
// bytes go to the console buffer; the line status always says "transmitter empty"; the
// divisor latch, scratch and control registers keep what the kernel wrote. Pure logic.
// The port I/O fast paths (io_x86_64.S) read and write the register bytes directly, at the
// offsets io_layout.h names (pinned below).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "io_layout.h"

namespace afterburner::xen {

class UartModel {
public:
  static constexpr uint16_t Base = 0x3f8;
  static constexpr uint8_t LineStatusIdle = AFTERBURNER_XEN_UART_LINE_STATUS_IDLE;

  using Transmit = void (*)(char byte);
  constexpr explicit UartModel(Transmit transmit) : transmit(transmit) {}

  static bool ownsPort(uint16_t port) { return port >= Base && port < Base + 8; }
  void write(uint16_t port, uint8_t value);
  uint8_t read(uint16_t port) const;

private:
  friend struct UartModelLayout;
  bool divisorLatch() const { return lineControl & 0x80; }

  Transmit transmit;
  uint8_t interruptEnable = 0;
  uint8_t lineControl = 0;
  uint8_t modemControl = 0;
  uint8_t scratch = 0;
  uint16_t divisor = 1;
};

struct UartModelLayout {
  static_assert(offsetof(UartModel, interruptEnable) == AFTERBURNER_XEN_UART_INTERRUPT_ENABLE);
  static_assert(offsetof(UartModel, lineControl) == AFTERBURNER_XEN_UART_LINE_CONTROL);
  static_assert(offsetof(UartModel, modemControl) == AFTERBURNER_XEN_UART_MODEM_CONTROL);
  static_assert(offsetof(UartModel, scratch) == AFTERBURNER_XEN_UART_SCRATCH);
};

} // namespace afterburner::xen
