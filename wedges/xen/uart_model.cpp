// uart_model.cpp: the polled 16550 (see uart_model.h).
#include "uart_model.h"

namespace afterburner::xen {

void UartModel::write(uint16_t port, uint8_t value) {
  switch (port - Base) {
  case 0:
    if (divisorLatch())
      divisor = uint16_t((divisor & 0xff00) | value);
    else
      transmit(char(value));
    return;
  case 1:
    if (divisorLatch())
      divisor = uint16_t((divisor & 0x00ff) | value << 8);
    else
      interruptEnable = value;
    return;
  case 3:
    lineControl = value;
    return;
  case 4:
    modemControl = value;
    return;
  case 7:
    scratch = value;
    return;
  default: // FIFO control, line and modem status: nothing to keep
    return;
  }
}

uint8_t UartModel::read(uint16_t port) const {
  switch (port - Base) {
  case 0:
    return divisorLatch() ? uint8_t(divisor) : AFTERBURNER_XEN_UART_NO_INPUT;
  case 1:
    return divisorLatch() ? uint8_t(divisor >> 8) : interruptEnable;
  case 2:
    return AFTERBURNER_XEN_UART_INTERRUPT_IDENTITY;
  case 3:
    return lineControl;
  case 4:
    return modemControl;
  case 5:
    return LineStatusIdle;
  case 6:
    return AFTERBURNER_XEN_UART_MODEM_STATUS;
  default:
    return scratch;
  }
}

} // namespace afterburner::xen
