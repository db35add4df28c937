// interrupt.cpp: exception and IRQ handling, the timer tick, and idling with hlt.
#include "cpu.h"
#include "devices.h"
#include "format.h"
#include "internal.h"

namespace kernel {
namespace {

constexpr uint64_t VectorBreakpoint = 3;
constexpr uint64_t VectorInvalidOpcode = 6;
constexpr uint64_t VectorPageFault = 14;
constexpr unsigned IrqTimer = 0;
constexpr unsigned IrqCount = 16;
constexpr unsigned Ud2Length = 2;

volatile uint64_t ticks;
volatile uint64_t tickTimestamp;
volatile uint64_t breakpoints;
volatile uint64_t invalidOpcodes;
volatile bool invalidOpcodeExpected;
volatile uint64_t recoveryStart; // guarded access: faulting instruction
volatile uint64_t recoveryEnd;   // and where to resume
volatile bool recoveredFault;

void handleIrq(unsigned irq) {
  if (irq == IrqTimer) {
    tickTimestamp = cpu::readTimestamp();
    ticks = ticks + 1;
  }
  pic::endOfInterrupt(irq);
}

[[noreturn]] void reportUnexpected(const InterruptFrame &frame) {
  char text[160];
  formatTextVariadic(text, sizeof text,
                     "unexpected exception %lu error=0x%lx rip=0x%lx rsp=0x%lx cr2=0x%lx",
                     (unsigned long)frame.vector, (unsigned long)frame.errorCode,
                     (unsigned long)frame.rip, (unsigned long)frame.rsp,
                     (unsigned long)(frame.vector == VectorPageFault ? cpu::readCr2() : 0));
  panic(text);
}

} // namespace

uint64_t timerTicks() {
  return ticks;
}
uint64_t lastTickTimestamp() {
  return tickTimestamp;
}
uint64_t breakpointCount() {
  return breakpoints;
}
uint64_t invalidOpcodeCount() {
  return invalidOpcodes;
}
void expectInvalidOpcode() {
  invalidOpcodeExpected = true;
}

// The one guarded instruction: if it faults, the handler resumes after it.
bool tryWrite32(volatile uint32_t *address, uint32_t value) {
  recoveredFault = false;
  asm volatile("leaq 1f(%%rip), %%rcx\n\t"
               "movq %%rcx, %[start]\n\t"
               "leaq 2f(%%rip), %%rcx\n\t"
               "movq %%rcx, %[end]\n"
               "1:\n\t"
               "movl %[value], (%[address])\n"
               "2:\n\t"
               : [start] "=m"(recoveryStart), [end] "=m"(recoveryEnd)
               : [value] "r"(value), [address] "r"(address)
               : "rcx", "memory");
  recoveryStart = 0;
  return !recoveredFault;
}

void startTimer(uint32_t hertz) {
  pit::startPeriodic(hertz);
  pic::unmask(IrqTimer);
}

void stopTimer() {
  pic::mask(IrqTimer);
}

void waitTicks(uint64_t count) {
  cpu::disableInterrupts();
  uint64_t target = ticks + count;
  while (ticks < target) {
    cpu::enableInterruptsAndHalt();
    cpu::disableInterrupts();
  }
}

} // namespace kernel

using namespace kernel;

extern "C" void kernel_interrupt(InterruptFrame *frame) {
  if (frame->vector >= pic::VectorBase && frame->vector < pic::VectorBase + IrqCount) {
    handleIrq((unsigned)(frame->vector - pic::VectorBase));
    return;
  }
  if (frame->vector == VectorBreakpoint) {
    breakpoints = breakpoints + 1;
    return;
  }
  if (frame->vector == VectorPageFault && recoveryStart && frame->rip == recoveryStart) {
    recoveredFault = true;
    frame->rip = recoveryEnd;
    return;
  }
  if (frame->vector == VectorInvalidOpcode && invalidOpcodeExpected) {
    invalidOpcodeExpected = false;
    invalidOpcodes = invalidOpcodes + 1;
    frame->rip += Ud2Length;
    return;
  }
  reportUnexpected(*frame);
}
