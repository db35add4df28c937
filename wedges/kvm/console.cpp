// console.cpp: the buffered COM1 transmit path.
#include "console.h"

namespace afterburner::kvm {

void UartConsole::reset(const PortHardware *hardware) {
  Hardware = hardware;
  Base = Com1;
  LineControlValue = 0;
  DataReady = 0;
  AnsweredPoll = false;
  Length = 0;
}

void UartConsole::flush() {
  if (Length == 0)
    return;
  Hardware->outBytes(Base, Buffer, Length);
  Length = 0;
}

uint8_t UartConsole::readLineStatus() {
  if (!AnsweredPoll) {
    AnsweredPoll = true;
    return LineStatusTransmitterIdle | DataReady;
  }
  // Polling without transmitting: drain our buffer so TEMT means what it says,
  // then ask the UART (input, or a kernel waiting for the line to empty).
  flush();
  const uint8_t status = static_cast<uint8_t>(Hardware->in(Base + LineStatus, 1));
  DataReady = status & LineStatusDataReady;
  return status;
}

uint8_t UartConsole::readByte(uint16_t port) {
  if (port == Base + LineStatus)
    return readLineStatus();
  flush();
  AnsweredPoll = false;
  const uint8_t value = static_cast<uint8_t>(Hardware->in(port, 1));
  if (port == Base + TransmitHolding && !divisorLatchOpen())
    DataReady = 0; // the receive buffer was read; the next real poll says more
  return value;
}

void UartConsole::transmit(uint8_t value) {
  Buffer[Length++] = value;
  AnsweredPoll = false;
  if (value == '\n' || Length == BufferSize)
    flush();
}

void UartConsole::writeByte(uint16_t port, uint8_t value) {
  if (isTransmitPort(port)) {
    transmit(value);
    return;
  }
  flush();
  if (port == Base + LineControl)
    LineControlValue = value;
  Hardware->out(port, 1, value);
}

} // namespace afterburner::kvm
