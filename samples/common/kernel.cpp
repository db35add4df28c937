// kernel.cpp: the common 64-bit boot path. Every entry (Multiboot from boot.S, the wedges'
// stubs through kernel_entry64) ends in kernel_main64(), which runs the loader FIRST, then
// sets up the machine and calls the sample.
#include "cpu.h"
#include "devices.h"
#include "internal.h"
#include "timing.h"

#include <afterburner/loader.h>

extern "C" {
// kernel.ld
extern char __text_start[];
extern char __text_end[];
extern char __afterburner_notes_start[];
extern char __afterburner_notes_end[];

[[noreturn]] void kernel_main64(const afterburner_boot_info *entry);
[[noreturn]] void kernel_multiboot64(uint32_t magic, uint32_t information);
}

namespace kernel {
namespace {

constexpr uint32_t MultibootBootloaderMagic = 0x2badb002;
constexpr uint32_t MultibootFlagCommandLine = 1u << 2;
constexpr uint16_t DebugExitPort = 0xf4;
constexpr uint32_t CalibrationPitTicks = 11932; // 10 ms
constexpr unsigned CalibrationRounds = 5;
constexpr unsigned CalibrationAttempts = 12;

struct MultibootInformation {
  uint32_t flags;
  uint32_t memoryLower, memoryUpper;
  uint32_t bootDevice;
  uint32_t commandLine;
};

afterburner_boot_info bootInfo;
Platform currentPlatform{"other", "none", {}, {}, 0, nullptr, CommandLine(nullptr)};

const char *entryName(uint32_t kind) {
  switch (kind) {
  case AFTERBURNER_ENTRY_MULTIBOOT:
    return "multiboot";
  case AFTERBURNER_ENTRY_XEN_PV:
    return "xen-pv";
  case AFTERBURNER_ENTRY_VTHREAD:
    return "vthread";
  default:
    return "other";
  }
}

// Copies what the entry stub filled in and supplies the kernel's own fields.
void prepareBootInfo(const afterburner_boot_info *entry) {
  size_t size = entry && entry->size < sizeof bootInfo ? entry->size : sizeof bootInfo;
  if (entry)
    __builtin_memcpy(&bootInfo, entry, size);
  bootInfo.size = sizeof bootInfo;
  if (!bootInfo.text_start || !bootInfo.text_end) {
    bootInfo.text_start = (uintptr_t)__text_start;
    bootInfo.text_end = (uintptr_t)__text_end;
  }
  if (!bootInfo.notes_start || !bootInfo.notes_end) {
    bootInfo.notes_start = __afterburner_notes_start;
    bootInfo.notes_end = __afterburner_notes_end;
  }
  if (!bootInfo.console_write)
    bootInfo.console_write = kernel_console_write;
}

void copyRegisters(char *destination, const uint32_t *registers, unsigned count) {
  __builtin_memcpy(destination, registers, count * 4);
  destination[count * 4] = '\0';
}

void identifyCpu(Platform &platform) {
  cpu::CpuidResult leaf0 = cpu::cpuid(0);
  uint32_t vendor[3] = {leaf0.ebx, leaf0.edx, leaf0.ecx};
  copyRegisters(platform.vendor, vendor, 3);
  platform.hypervisor[0] = '\0';
  if (leaf0.eax < 1 || !(cpu::cpuid(1).ecx & (1u << 31)))
    return;
  cpu::CpuidResult leaf = cpu::cpuid(0x40000000);
  uint32_t signature[3] = {leaf.ebx, leaf.ecx, leaf.edx};
  copyRegisters(platform.hypervisor, signature, 3);
}

// 10 ms PIT windows until CalibrationRounds of them are trusted (or CalibrationAttempts
// ran out); the median trusted one sets the TSC rate. A virtual CPU preempted between
// the gate write and the first TSC read would otherwise shorten its window.
uint64_t calibrateTsc() {
  timing::TscWindow windows[CalibrationAttempts];
  unsigned measured = 0, trusted = 0;
  while (measured < CalibrationAttempts && trusted < CalibrationRounds) {
    windows[measured] = pit::measureTscWindow(CalibrationPitTicks);
    trusted += timing::isTrusted(windows[measured]) ? 1 : 0;
    if (platform().commandLine.has("tsc_debug"))
      print("tsc: window %lu cycles, uncertainty %lu\n", (unsigned long)windows[measured].cycles,
            (unsigned long)windows[measured].uncertainty);
    ++measured;
  }
  return timing::tscHzFromPit(timing::calibrationCycles(windows, measured), CalibrationPitTicks);
}

// The kernel drives the 8259 PIC, whose INTR line reaches the CPU through the local APIC's
// LINT0 when the APIC is enabled. Firmware that leaves LINT0 masked (qboot) would starve
// the PIC, so the kernel puts the APIC in virtual-wire mode: software-enabled, LINT0 =
// ExtINT, every other local interrupt masked. The APIC page lies in the identity map; a
// platform that gives the kernel no APIC page (a paravirtual one) faults on the first
// write, which the kernel takes as "no local APIC in the way".
void routeLegacyInterrupts() {
  if (!(cpu::cpuid(1).edx & (1u << 9)))
    return;
  uint64_t apicBase = cpu::readMsr(cpu::MsrApicBase);
  uint64_t address = apicBase & ~0xfffull & 0x000ffffffffff000ull;
  if (!(apicBase & cpu::ApicBaseEnable) || address >= identityMapLimit())
    return;
  volatile uint32_t *apic = (volatile uint32_t *)(uintptr_t)address;
  constexpr unsigned SpuriousVector = 0xf0 / 4, Lint0 = 0x350 / 4, Lint1 = 0x360 / 4;
  constexpr unsigned Timer = 0x320 / 4, Error = 0x370 / 4;
  constexpr uint32_t Masked = 1u << 16, ExtInt = 7u << 8, Nmi = 4u << 8;
  if (!tryWrite32(&apic[SpuriousVector], 0x100 | 0xff)) {
    print("apic: page at 0x%lx not reachable; PIC interrupts go without it\n",
          (unsigned long)address);
    return;
  }
  apic[Timer] = Masked;
  apic[Error] = Masked;
  apic[Lint0] = ExtInt;
  apic[Lint1] = Nmi;
}

void initializeMachine() {
  uart::initialize();
  initializeDescriptors();
  initializePaging();
  routeLegacyInterrupts();
  pic::initialize();
}

void printBanner(const Platform &platform) {
  const afterburner_boot_result &loader = *platform.loader;
  print("platform: entry=%s cpu=%s hypervisor=%s wedge=%s\n", platform.entry, platform.vendor,
        platform.hypervisor[0] ? platform.hypervisor : "none", platform.wedge);
  print("afterburner: wedge=%s sites=%u patched=%u native=%u rejected=%u\n", platform.wedge,
        loader.sites, loader.patched, loader.native, loader.rejected);
  print("tsc: %lu kHz (PIT calibration)\n", (unsigned long)(platform.tscHz / 1000));
}

} // namespace

const Platform &platform() {
  return currentPlatform;
}

[[noreturn]] void powerOff(bool success) {
  cpu::outLong(DebugExitPort, success ? 0x10 : 0x01);
  // No debug-exit device (or a platform that ignores it): stop here, quietly.
  cpu::disableInterrupts();
  for (;;)
    cpu::halt();
}

[[noreturn]] void panic(const char *what) {
  print("PANIC: %s\nFAILURE\n", what);
  powerOff(false);
}

} // namespace kernel

using namespace kernel;

extern "C" [[noreturn]] void kernel_main64(const afterburner_boot_info *entry) {
  prepareBootInfo(entry);
  // The loader runs before the kernel's first sensitive instruction: under a
  // hypervisor, unpatched port I/O or cli/sti would trap or do the wrong thing.
  const afterburner_boot_result *result = afterburner_boot(&bootInfo);
  currentPlatform.entry = entryName(bootInfo.entry_kind);
  currentPlatform.wedge = result && result->wedge ? result->wedge : "none";
  currentPlatform.loader = result;
  currentPlatform.commandLine = CommandLine(bootInfo.command_line);
  initializeMachine();
  identifyCpu(currentPlatform);
  currentPlatform.tscHz = calibrateTsc();
  printBanner(currentPlatform);
  bool success = sample_main();
  cpu::disableInterrupts();
  print("%s\n", success ? "SUCCESS" : "FAILURE");
  powerOff(success);
}

// Called by boot.S in 64-bit mode on the kernel's stack, interrupts off.
extern "C" [[noreturn]] void kernel_multiboot64(uint32_t magic, uint32_t information) {
  afterburner_boot_info entry{};
  entry.size = sizeof entry;
  entry.entry_kind = AFTERBURNER_ENTRY_MULTIBOOT;
  entry.entry_data = (const void *)(uintptr_t)information;
  const MultibootInformation *multiboot = (const MultibootInformation *)(uintptr_t)information;
  if (magic == MultibootBootloaderMagic && multiboot &&
      (multiboot->flags & MultibootFlagCommandLine))
    entry.command_line = (const char *)(uintptr_t)multiboot->commandLine;
  kernel_main64(&entry);
}
