// console.cpp: the buffered COM1 transmit path.
#include "console.h"

namespace afterburner::kvm {

void UartConsole::reset(const PortHardware *hardware) {
  Hardware = hardware;
  Base = Com1;
  LineControlValue = 0;
  DataReady = 0;
  AnsweredPoll = false;
  ReadsInput = false;
  ScratchKnown = false;
  ScratchValue = 0;
  Length = 0;
}

void UartConsole::flush() {
  if (Length == 0)
    return;
  Hardware->outBytes(Base, Buffer, Length);
  Length = 0;
}

uint8_t UartConsole::readLineStatus() {
  // Polling without transmitting (waiting for the line to drain, or for input):
  // send what is buffered, so "transmitter empty" is true of the real line too.
  if (AnsweredPoll)
    flush();
  if (!AnsweredPoll || !ReadsInput) {
    AnsweredPoll = true;
    return LineStatusTransmitterIdle | DataReady;
  }
  const uint8_t status = static_cast<uint8_t>(Hardware->in(Base + LineStatus, 1));
  DataReady = status & LineStatusDataReady;
  return status;
}

uint8_t UartConsole::readByte(uint16_t port) {
  if (port == Base + LineStatus)
    return readLineStatus();
  if (port == Base + Scratch && ScratchKnown)
    return ScratchValue;
  flush();
  AnsweredPoll = false;
  const uint8_t value = static_cast<uint8_t>(Hardware->in(port, 1));
  if (port == Base + Scratch) {
    ScratchKnown = true;
    ScratchValue = value;
  }
  if (isTransmitPort(port)) { // the receive buffer, read
    ReadsInput = true;
    DataReady = 0; // the next real poll says whether more has arrived
  }
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
  if (port == Base + Scratch) {
    ScratchKnown = true; // storage only: no device behaviour to trigger
    ScratchValue = value;
    return;
  }
  flush();
  if (port == Base + LineControl)
    LineControlValue = value;
  Hardware->out(port, 1, value);
}

} // namespace afterburner::kvm
