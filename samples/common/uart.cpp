// uart.cpp: the 16550 on COM1, polled (no UART interrupts).
#include "cpu.h"
#include "devices.h"

namespace kernel::uart {
namespace {

bool initialized = false;

void writeRegister(uint16_t offset, uint8_t value) {
  cpu::outByte(Com1 + offset, value);
}
uint8_t readRegister(uint16_t offset) {
  return cpu::inByte(Com1 + offset);
}

void putByte(char byte) {
  // Bounded: a UART that never drains must not hang the kernel.
  for (unsigned spin = 0; spin < 100000; ++spin)
    if (readRegister(RegisterLineStatus) & LineStatusTransmitEmpty)
      break;
  writeRegister(RegisterData, (uint8_t)byte);
}

} // namespace

void initialize() {
  if (initialized)
    return;
  initialized = true;
  writeRegister(RegisterInterrupts, 0x00);
  writeRegister(RegisterLineControl, 0x80); // DLAB: the next two registers are the divisor
  writeRegister(RegisterData, 1);           // 115200 baud
  writeRegister(RegisterInterrupts, 0x00);
  writeRegister(RegisterLineControl, 0x03);  // 8 data bits, no parity, 1 stop bit
  writeRegister(RegisterFifo, 0xc7);         // enable and clear FIFOs
  writeRegister(RegisterModemControl, 0x03); // DTR, RTS
}

void write(const char *text, size_t length) {
  initialize();
  for (size_t index = 0; index < length; ++index) {
    if (text[index] == '\n')
      putByte('\r');
    putByte(text[index]);
  }
}

uint8_t lineStatus() {
  return readRegister(RegisterLineStatus);
}

uint8_t scratchRoundTrip(uint8_t value) {
  writeRegister(RegisterScratch, value);
  return readRegister(RegisterScratch);
}

} // namespace kernel::uart
