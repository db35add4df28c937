// devices.h: the PC devices the sample kernels drive: a 16550 UART on COM1, the 8259 PIC
// pair and the 8254 PIT. Plain port I/O through cpu.h, so every access is a site.
#pragma once

#include "timing.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

namespace uart {
constexpr uint16_t Com1 = 0x3f8;
constexpr uint16_t RegisterData = 0;        // THR (write) / RBR (read), DLAB = 0
constexpr uint16_t RegisterInterrupts = 1;  // IER, DLAB = 0
constexpr uint16_t RegisterFifo = 2;        // FCR
constexpr uint16_t RegisterLineControl = 3; // LCR
constexpr uint16_t RegisterModemControl = 4;
constexpr uint16_t RegisterLineStatus = 5; // LSR
constexpr uint16_t RegisterScratch = 7;
constexpr uint8_t LineStatusTransmitEmpty = 0x20; // THRE
constexpr uint8_t LineStatusIdle = 0x40;          // TEMT

// Programs 115200 8N1 with FIFOs, interrupts off. Idempotent.
void initialize();
// Polls LSR until THR is empty, then writes the byte ("\n" becomes "\r\n").
void write(const char *text, size_t length);
uint8_t lineStatus();
// Writes value to the scratch register and reads it back.
uint8_t scratchRoundTrip(uint8_t value);
} // namespace uart

namespace pic {
constexpr uint8_t VectorBase = 32; // IRQ n arrives at vector 32 + n
// Remaps both PICs to vectors 32-47 and masks every line.
void initialize();
void unmask(unsigned irq);
void mask(unsigned irq);
void endOfInterrupt(unsigned irq);
} // namespace pic

namespace pit {
// Channel 0 as a periodic rate generator at about hertz; IRQ 0.
void startPeriodic(uint32_t hertz);
// Channel 2, one-shot, gate through port 0x61: busy-waits pitTicks input cycles and
// returns the TSC cycles it took (the calibration window) and their uncertainty.
timing::TscWindow measureTscWindow(uint32_t pitTicks);
} // namespace pit

} // namespace kernel
