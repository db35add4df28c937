// loaderbench: what the loader costs inside the guest. The kernel's call to
// afterburner_boot() is wrapped at link time (CMakeLists.txt: --wrap=afterburner_boot):
// the wrapper reads the TSC around the real call and around every console write the
// loader makes, then sample_main() converts with the PIT-calibrated TSC rate (the
// calibration runs after the loader, so the raw cycles wait until then). One line:
//
//   loaderbench sites=3319 patched=... native=... rejected=0 wedge=kvm tsc_khz=...
//       cycles=... console_cycles=... ns_per_site=... total_us=...
//
// cycles: the whole afterburner_boot() (detect, wedge init, validate, sort, patch,
// report); console_cycles: its share spent writing the summary to the console;
// ns_per_site: (cycles - console_cycles) / sites; total_us: all of cycles.
//
// The sites live in sites.S: a function nobody calls.
#include "../common/cpu.h"
#include "../common/kernel.h"
#include "../common/timing.h"

#include <afterburner/loader.h>

using namespace kernel;

extern "C" {
void loaderbench_sites();
const afterburner_boot_result *__real_afterburner_boot(const afterburner_boot_info *boot);
const afterburner_boot_result *__wrap_afterburner_boot(const afterburner_boot_info *boot);
}

namespace {

constexpr uint32_t MinimumSites = 3000;

struct LoaderTiming {
  uint64_t cycles;
  uint64_t consoleCycles;
  void (*consoleWrite)(const char *text, size_t length);
  bool measured;
};

LoaderTiming loaderTiming;
afterburner_boot_info timedBootInfo;

void timedConsoleWrite(const char *text, size_t length) {
  uint64_t start = cpu::readTimestamp();
  loaderTiming.consoleWrite(text, length);
  loaderTiming.consoleCycles += cpu::readTimestamp() - start;
}

// nanoseconds printed as microseconds with three decimals.
void printMicroseconds(const char *name, uint64_t nanoseconds) {
  print(" %s=%lu.%03lu", name, (unsigned long)(nanoseconds / 1000),
        (unsigned long)(nanoseconds % 1000));
}

} // namespace

// Runs in place of the kernel's afterburner_boot() call: interrupts off, before any
// sensitive instruction but the TSC reads (rdtsc is native before and after patching
// in every wedge, so both reads see the same clock).
extern "C" const afterburner_boot_result *
__wrap_afterburner_boot(const afterburner_boot_info *boot) {
  timedBootInfo = *boot;
  loaderTiming.consoleWrite = boot->console_write;
  if (boot->console_write)
    timedBootInfo.console_write = timedConsoleWrite;
  uint64_t start = cpu::readTimestamp();
  const afterburner_boot_result *result = __real_afterburner_boot(&timedBootInfo);
  loaderTiming.cycles = cpu::readTimestamp() - start;
  loaderTiming.measured = true;
  return result;
}

bool sample_main() {
  const Platform &machine = platform();
  const afterburner_boot_result *loader = machine.loader;
  if (!loaderTiming.measured || !loader) {
    print("loaderbench: the loader was not timed (no --wrap=afterburner_boot?)\n");
    return false;
  }
  uint64_t patchCycles = loaderTiming.cycles > loaderTiming.consoleCycles
                             ? loaderTiming.cycles - loaderTiming.consoleCycles
                             : 0;
  uint64_t patchNanoseconds = timing::cyclesToNanoseconds(patchCycles, machine.tscHz);
  uint64_t totalNanoseconds = timing::cyclesToNanoseconds(loaderTiming.cycles, machine.tscHz);
  uint64_t perSite = loader->sites ? patchNanoseconds / loader->sites : 0;
  print("loaderbench sites=%u patched=%u native=%u rejected=%u wedge=%s tsc_khz=%lu "
        "cycles=%lu console_cycles=%lu ns_per_site=%lu",
        loader->sites, loader->patched, loader->native, loader->rejected, machine.wedge,
        (unsigned long)(machine.tscHz / 1000), (unsigned long)loaderTiming.cycles,
        (unsigned long)loaderTiming.consoleCycles, (unsigned long)perSite);
  printMicroseconds("patch_us", patchNanoseconds);
  printMicroseconds("total_us", totalNanoseconds);
  print("\n");
  // The site table must be there and every record accepted, or the number means nothing.
  bool complete =
      loader->sites >= MinimumSites && loader->rejected == 0 && (uintptr_t)&loaderbench_sites != 0;
  if (!complete)
    print("loaderbench: expected >= %u sites and none rejected\n", MinimumSites);
  return complete;
}
