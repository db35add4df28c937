// pic_pit.cpp: the 8259 PIC pair and the 8254 PIT.
#include "cpu.h"
#include "devices.h"
#include "timing.h"

namespace kernel {
namespace {

constexpr uint16_t PicMasterCommand = 0x20;
constexpr uint16_t PicMasterData = 0x21;
constexpr uint16_t PicSlaveCommand = 0xa0;
constexpr uint16_t PicSlaveData = 0xa1;
constexpr uint8_t PicEndOfInterrupt = 0x20;

constexpr uint16_t PitChannel0 = 0x40;
constexpr uint16_t PitChannel2 = 0x42;
constexpr uint16_t PitCommand = 0x43;
constexpr uint16_t PortB = 0x61; // bit 0: channel 2 gate, bit 1: speaker, bit 5: out 2

// A write to an unused port: the classic ~1 us delay between PIC initialisation words.
void ioDelay() {
  cpu::outByte(0x80, 0);
}

uint8_t masterMask = 0xff;
uint8_t slaveMask = 0xff;

// The cached masks and the PIC's registers change together, with interrupts off.
void writeMasks() {
  uint64_t flags = cpu::saveFlagsAndDisable();
  cpu::outByte(PicMasterData, masterMask);
  cpu::outByte(PicSlaveData, slaveMask);
  cpu::writeFlags(flags);
}

} // namespace

namespace pic {

void initialize() {
  cpu::outByte(PicMasterCommand, 0x11); // ICW1: edge, cascade, ICW4 follows
  ioDelay();
  cpu::outByte(PicSlaveCommand, 0x11);
  ioDelay();
  cpu::outByte(PicMasterData, VectorBase); // ICW2: vector base
  ioDelay();
  cpu::outByte(PicSlaveData, VectorBase + 8);
  ioDelay();
  cpu::outByte(PicMasterData, 0x04); // ICW3: slave on IRQ 2
  ioDelay();
  cpu::outByte(PicSlaveData, 0x02);
  ioDelay();
  cpu::outByte(PicMasterData, 0x01); // ICW4: 8086 mode
  ioDelay();
  cpu::outByte(PicSlaveData, 0x01);
  ioDelay();
  masterMask = 0xfb; // everything masked but the cascade line
  slaveMask = 0xff;
  writeMasks();
}

void unmask(unsigned irq) {
  if (irq < 8)
    masterMask &= (uint8_t) ~(1u << irq);
  else
    slaveMask &= (uint8_t) ~(1u << (irq - 8));
  writeMasks();
}

void mask(unsigned irq) {
  if (irq < 8)
    masterMask |= (uint8_t)(1u << irq);
  else
    slaveMask |= (uint8_t)(1u << (irq - 8));
  writeMasks();
}

void endOfInterrupt(unsigned irq) {
  if (irq >= 8)
    cpu::outByte(PicSlaveCommand, PicEndOfInterrupt);
  cpu::outByte(PicMasterCommand, PicEndOfInterrupt);
}

} // namespace pic

namespace pit {

void startPeriodic(uint32_t hertz) {
  uint32_t divisor = timing::pitDivisor(hertz) & 0xffff; // 0 means 65536
  cpu::outByte(PitCommand, 0x34);                        // channel 0, low then high byte, mode 2
  cpu::outByte(PitChannel0, (uint8_t)divisor);
  cpu::outByte(PitChannel0, (uint8_t)(divisor >> 8));
}

// The window's start lies between the TSC reads around the gate write, its end between
// the last two polls; both gaps are its uncertainty (large when the virtual CPU was
// preempted at the wrong moment).
timing::TscWindow measureTscWindow(uint32_t pitTicks) {
  uint8_t portB = cpu::inByte(PortB);
  cpu::outByte(PortB, (uint8_t)((portB & ~0x02) & ~0x01)); // gate low: counter stopped
  cpu::outByte(PitCommand, 0xb0);                          // channel 2, low then high byte, mode 0
  cpu::outByte(PitChannel2, (uint8_t)pitTicks);
  // Mode 0 counts from the high byte's write (some PITs) or from the gate's rising edge
  // (others): the bracket covers both.
  uint64_t beforeGate = cpu::readTimestamp();
  cpu::outByte(PitChannel2, (uint8_t)(pitTicks >> 8));
  cpu::outByte(PortB, (uint8_t)((portB & ~0x02) | 0x01)); // gate high: count starts
  uint64_t afterGate = cpu::readTimestamp();
  uint64_t previousPoll = afterGate;
  uint64_t lastPoll = afterGate;
  // Bounded in case the PIT never answers.
  for (unsigned spin = 0; spin < 50000000u; ++spin) {
    previousPoll = lastPoll;
    lastPoll = cpu::readTimestamp();
    if (cpu::inByte(PortB) & 0x20)
      break;
  }
  cpu::outByte(PortB, portB);
  uint64_t start = beforeGate + (afterGate - beforeGate) / 2;
  uint64_t end = previousPoll + (lastPoll - previousPoll) / 2;
  return {end > start ? end - start : 0, (afterGate - beforeGate) + (lastPoll - previousPoll)};
}

} // namespace pit
} // namespace kernel
