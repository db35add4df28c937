// hello: boots, prints the platform and the loader's line, checks one example of each
// class of sensitive instruction, prints one results line and SUCCESS, and powers off.
//
// Command line: ticks=N (timer ticks to wait, default 10), hz=N (timer rate, default 100).
#include "../common/cpu.h"
#include "../common/devices.h"
#include "../common/kernel.h"

using namespace kernel;

namespace {

struct Results {
  bool interruptFlag, arithmeticFlags, cpuid, msr, cr3, invlpg, exception, uart;
  uint64_t ticks;
};

const char *verdict(bool ok) {
  return ok ? "ok" : "FAIL";
}

// cli/sti and pushf/popf must agree on IF, and popf must restore it both ways.
bool checkInterruptFlag() {
  cpu::disableInterrupts();
  bool offAfterCli = !(cpu::readFlags() & cpu::FlagInterrupt);
  uint64_t disabledFlags = cpu::readFlags();
  cpu::enableInterrupts();
  bool onAfterSti = cpu::readFlags() & cpu::FlagInterrupt;
  uint64_t enabledFlags = cpu::readFlags();
  cpu::writeFlags(disabledFlags);
  bool offAfterPopf = !(cpu::readFlags() & cpu::FlagInterrupt);
  cpu::writeFlags(enabledFlags);
  bool onAfterPopf = cpu::readFlags() & cpu::FlagInterrupt;
  uint64_t saved = cpu::saveFlagsAndDisable();
  bool offInSection = !(cpu::readFlags() & cpu::FlagInterrupt);
  cpu::writeFlags(saved);
  bool restored = cpu::readFlags() & cpu::FlagInterrupt;
  cpu::disableInterrupts();
  return offAfterCli && onAfterSti && offAfterPopf && onAfterPopf && offInSection && restored;
}

// Arithmetic flags go through popf and come back through pushf unchanged.
bool checkArithmeticFlags() {
  uint64_t base = cpu::readFlags() & ~cpu::ArithmeticFlags;
  const uint64_t patterns[] = {cpu::ArithmeticFlags, cpu::FlagCarry | cpu::FlagZero,
                               cpu::FlagSign | cpu::FlagOverflow, 0};
  for (uint64_t pattern : patterns) {
    cpu::writeFlags(base | pattern);
    if ((cpu::readFlags() & cpu::ArithmeticFlags) != pattern)
      return false;
  }
  cpu::writeFlags(base);
  return true;
}

bool checkCpuid() {
  const Platform &current = platform();
  cpu::CpuidResult leaf0 = cpu::cpuid(0);
  if (leaf0.eax < 1 || current.vendor[0] == '\0')
    return false;
  for (const char *character = current.vendor; *character; ++character)
    if (*character < ' ' || *character > '~')
      return false;
  print("cpuid: vendor=%s max_leaf=0x%x hypervisor=%s\n", current.vendor, leaf0.eax,
        current.hypervisor[0] ? current.hypervisor : "none");
  return true;
}

// EFER: long mode is both enabled and active; writing it back keeps it.
bool checkMsr() {
  uint64_t efer = cpu::readMsr(cpu::MsrEfer);
  bool longMode = (efer & cpu::EferLongModeEnable) && (efer & cpu::EferLongModeActive);
  cpu::writeMsr(cpu::MsrEfer, efer);
  bool stable = cpu::readMsr(cpu::MsrEfer) == efer;
  print("msr: efer=0x%lx\n", (unsigned long)efer);
  return longMode && stable;
}

uint64_t readTestPage() {
  return *(volatile uint64_t *)testPageAddress();
}

// After invlpg the test page must show the frame its entry now names.
bool checkInvlpg() {
  mapTestPage(0);
  reloadPageTables();
  bool first = readTestPage() == testFrameMarker(0);
  mapTestPage(1);
  cpu::invalidatePage((const volatile void *)testPageAddress());
  return first && readTestPage() == testFrameMarker(1);
}

// A cr3 reload flushes the TLB: the remapped test page shows the new frame.
bool checkCr3() {
  mapTestPage(1);
  reloadPageTables();
  bool first = readTestPage() == testFrameMarker(1);
  mapTestPage(0);
  reloadPageTables();
  return first && readTestPage() == testFrameMarker(0);
}

// ud2 raises #UD through the kernel's IDT; the handler skips it and the code resumes.
// (int3 would do as well on hardware, but this machine's software KVM cannot emulate
// a protected-mode int3 and stops the VM with an emulation failure.)
bool checkExceptions() {
  uint64_t invalidOpcodes = invalidOpcodeCount();
  for (unsigned round = 0; round < 2; ++round) {
    expectInvalidOpcode();
    cpu::undefinedInstruction();
  }
  return invalidOpcodeCount() == invalidOpcodes + 2;
}

uint64_t countTicks(uint64_t wanted, uint32_t hertz) {
  uint64_t start = timerTicks();
  uint64_t startTsc = cpu::readTimestamp();
  startTimer(hertz);
  waitTicks(wanted);
  stopTimer();
  uint64_t elapsed = cpu::readTimestamp() - startTsc;
  uint64_t hz = platform().tscHz;
  print("timer: %lu ticks at %u Hz in %lu us\n", (unsigned long)(timerTicks() - start), hertz,
        (unsigned long)(hz ? elapsed / (hz / 1000000 ? hz / 1000000 : 1) : 0));
  return timerTicks() - start;
}

// A line through the UART, then the transmitter drains and the scratch register holds.
bool checkUart() {
  print("uart: a line through the 16550 on COM1\n");
  bool drained = false;
  for (unsigned spin = 0; spin < 100000 && !drained; ++spin)
    drained = uart::lineStatus() & uart::LineStatusTransmitEmpty;
  return drained && uart::scratchRoundTrip(0x5a) == 0x5a && uart::scratchRoundTrip(0xa5) == 0xa5;
}

// Runs one check and says so at once: a platform that hangs in a check shows which.
bool runCheck(const char *name, bool (*check)()) {
  print("check: %s...\n", name);
  bool ok = check();
  print("check: %s=%s\n", name, verdict(ok));
  return ok;
}

} // namespace

bool sample_main() {
  const CommandLine &options = platform().commandLine;
  Results results{};
  results.interruptFlag = runCheck("if", checkInterruptFlag);
  results.arithmeticFlags = runCheck("flags", checkArithmeticFlags);
  results.cpuid = runCheck("cpuid", checkCpuid);
  results.msr = runCheck("msr", checkMsr);
  results.cr3 = runCheck("cr3", checkCr3);
  results.invlpg = runCheck("invlpg", checkInvlpg);
  results.exception = runCheck("exception", checkExceptions);
  uint64_t wanted = options.number("ticks", 10);
  print("check: ticks...\n");
  results.ticks = countTicks(wanted, (uint32_t)options.number("hz", 100));
  results.uart = runCheck("uart", checkUart);
  print("results: if=%s flags=%s cpuid=%s msr=%s cr3=%s invlpg=%s exception=%s ticks=%lu "
        "uart=%s\n",
        verdict(results.interruptFlag), verdict(results.arithmeticFlags), verdict(results.cpuid),
        verdict(results.msr), verdict(results.cr3), verdict(results.invlpg),
        verdict(results.exception), (unsigned long)results.ticks, verdict(results.uart));
  return results.interruptFlag && results.arithmeticFlags && results.cpuid && results.msr &&
         results.cr3 && results.invlpg && results.exception && results.ticks >= wanted &&
         results.uart;
}
