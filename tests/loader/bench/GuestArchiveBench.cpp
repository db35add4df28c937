// GuestArchiveBench.cpp: the GUEST's loader machine code at hardware speed. This
// machine has no hardware virtualisation (TCG emulates, its KVM is a software one),
// so the in-guest numbers are emulator time. This harness links the exact archive the
// guests link (libafterburner_loader.a: freestanding flags, -mcmodel of the guest;
// R_X86_64_32S relocations fit because the harness is a non-PIE executable linked
// low) and calls its afterburner_boot() natively on a BenchImage (BenchImage.h) placed
// at its own addresses (the guest's identity map):
//   bare  no wedge detects: validate, then a pass that writes nothing (a bare boot)
//   xen   a stub wedge named xen detects; the boot info says Xen PV, so the loader's
//         text writes are plain stores (platform_x86_64.cpp never touches CR0 then)
//         and every site gets the CALL form to a stub entry (never executed)
// Any other path would reach CR0 and fault: a privileged instruction in user space
// kills the child with SIGSEGV, which is reported, never a silent wrong number.
//
// afterburner_boot() runs once per process, so every run is a fork()ed child: its
// .bss (the loader's site table, the image) is prefaulted writable first, so page
// faults are not counted (a guest's memory is mapped before the loader runs).
//
// Usage: loader_guest_bench [bare|xen] [SITES] [RUNS]   (defaults: bare 3000 21)
//        loader_guest_bench --once [bare|xen] [SITES]   one boot in-process (callgrind)
// Prints: guestarchive path=bare sites=3000 patched=0 native=3000 rejected=0 wedge=none
//           ns_per_site=... total_us=... runs=21
// ns_per_site: median over runs of (afterburner_boot() - its console writes) / sites;
// total_us: median whole afterburner_boot() (as samples/loaderbench reports in the guest).
#include "BenchImage.h"

#include <afterburner/loader.h>
#include <afterburner/wedge_abi.h>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using afterburner::loader::bench::BenchImage;
using Clock = std::chrono::steady_clock;

enum class Path { Bare, Xen };
Path benchPath = Path::Bare;

// The image lives in .bss, within rel32 reach of the harness's code (the stub wedge
// entry) as a kernel's text is of its wedges. 16,384 sites (the loader's table) fit.
alignas(4096) uint8_t imageArea[1 << 20];

// Never executed: the CALL form only needs an address within rel32 reach.
void guestBenchStubEntry() {
  std::abort();
}

int detectXen(const afterburner_boot_info *boot) {
  return benchPath == Path::Xen && boot->entry_kind == AFTERBURNER_ENTRY_XEN_PV ? 100 : 0;
}

int detectNothing(const afterburner_boot_info *) {
  return 0;
}

int initialise(const afterburner_boot_info *) {
  return 0;
}

afterburner_wedge stubWedge(const char *name, int (*detect)(const afterburner_boot_info *)) {
  afterburner_wedge wedge{};
  wedge.name = name;
  wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
  wedge.mode = 64;
  wedge.detect = detect;
  wedge.init = initialise;
  wedge.unimplemented = reinterpret_cast<const void *>(&guestBenchStubEntry);
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
    wedge.ops[op] = {AFTERBURNER_POLICY_CALL, reinterpret_cast<const void *>(&guestBenchStubEntry)};
  return wedge;
}

} // namespace

// The wedge objects the archive's registry names (which ones depends on the build's
// AFTERBURNER_WEDGE_* options; unreferenced ones are harmless). Stubs, not the real
// wedges: those execute privileged instructions in init().
extern "C" {
extern const afterburner_wedge afterburner_wedge_xen;
extern const afterburner_wedge afterburner_wedge_kvm;
extern const afterburner_wedge afterburner_wedge_akaros;
const afterburner_wedge afterburner_wedge_xen = stubWedge("xen", detectXen);
const afterburner_wedge afterburner_wedge_kvm = stubWedge("kvm", detectNothing);
const afterburner_wedge afterburner_wedge_akaros = stubWedge("akaros", detectNothing);
// GNU ld's default script: the bounds of .bss.
extern char __bss_start[], _end[];
}

namespace {

struct BootTiming {
  double bootNanoseconds = 0;
  double consoleNanoseconds = 0;
  afterburner_boot_result result{};
  char summary[256] = {};
};

BootTiming *currentTiming;

// The loader's console output: kept (the summary is checked), its time subtracted.
void timedConsoleWrite(const char *text, size_t length) {
  const auto start = Clock::now();
  BootTiming &timing = *currentTiming;
  const size_t used = std::strlen(timing.summary);
  std::memcpy(timing.summary + used, text, std::min(length, sizeof timing.summary - 1 - used));
  timing.consoleNanoseconds +=
      std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

// The loader's table and the image are written during the boot: fault them in first.
void prefaultBss() {
  const uintptr_t pageSize = uintptr_t(sysconf(_SC_PAGESIZE));
  const uintptr_t start = reinterpret_cast<uintptr_t>(__bss_start) & ~(pageSize - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(_end);
#ifdef MADV_POPULATE_WRITE
  if (madvise(reinterpret_cast<void *>(start), end - start, MADV_POPULATE_WRITE) == 0)
    return;
#endif
  for (uintptr_t page = start; page < end; page += pageSize) {
    volatile uint8_t *byte = reinterpret_cast<volatile uint8_t *>(page < end ? page : end - 1);
    *byte = *byte;
  }
}

BootTiming bootOnce(const BenchImage &image) {
  BootTiming timing;
  currentTiming = &timing;
  afterburner_boot_info boot{};
  boot.size = sizeof boot;
  boot.entry_kind = benchPath == Path::Xen ? AFTERBURNER_ENTRY_XEN_PV : AFTERBURNER_ENTRY_MULTIBOOT;
  boot.text_start = image.textStart();
  boot.text_end = image.textEnd();
  boot.notes_start = reinterpret_cast<const void *>(image.notesStart());
  boot.notes_end = reinterpret_cast<const void *>(image.notesEnd());
  boot.console_write = timedConsoleWrite;
  const auto start = Clock::now();
  const afterburner_boot_result *result = afterburner_boot(&boot);
  timing.bootNanoseconds = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  timing.result = *result;
  return timing;
}

// One boot in a child; its timing comes back through a pipe.
bool bootInChild(const BenchImage &image, BootTiming &timing) {
  int channel[2];
  if (pipe(channel) != 0)
    return false;
  const pid_t child = fork();
  if (child == 0) {
    close(channel[0]);
    prefaultBss();
    const BootTiming measured = bootOnce(image);
    const bool sent = write(channel[1], &measured, sizeof measured) == ssize_t(sizeof measured);
    _exit(sent ? 0 : 1);
  }
  close(channel[1]);
  const bool received =
      child > 0 && read(channel[0], &timing, sizeof timing) == ssize_t(sizeof timing);
  close(channel[0]);
  int status = 0;
  if (child > 0)
    waitpid(child, &status, 0);
  if (WIFSIGNALED(status))
    std::fprintf(stderr, "loader_guest_bench: the boot died of signal %d%s\n", WTERMSIG(status),
                 WTERMSIG(status) == SIGSEGV ? " (a privileged instruction in user space?)" : "");
  return received && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

int usage() {
  std::fprintf(stderr, "usage: loader_guest_bench [--once] [bare|xen] [SITES] [RUNS]\n");
  return 2;
}

// The loader must have accepted every site, and patched all of them (xen) or none.
bool checkResult(const BootTiming &timing, size_t siteCount) {
  const afterburner_boot_result &result = timing.result;
  const uint32_t expectedPatched = benchPath == Path::Xen ? uint32_t(siteCount) : 0;
  if (result.sites == siteCount && result.rejected == 0 && result.patched == expectedPatched)
    return true;
  std::fprintf(stderr, "loader_guest_bench: unexpected result: %s", timing.summary);
  return false;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  const bool once = !arguments.empty() && arguments.front() == "--once";
  if (once)
    arguments.erase(arguments.begin());
  if (!arguments.empty() && (arguments.front() == "bare" || arguments.front() == "xen")) {
    benchPath = arguments.front() == "xen" ? Path::Xen : Path::Bare;
    arguments.erase(arguments.begin());
  }
  const size_t siteCount =
      arguments.size() > 0 ? std::strtoul(arguments[0].c_str(), nullptr, 10) : 3000;
  const int runs = arguments.size() > 1 ? std::atoi(arguments[1].c_str()) : 21;
  if (siteCount == 0 || runs <= 0 || arguments.size() > 2)
    return usage();
  if (afterburner::loader::bench::benchImageSize(siteCount) > sizeof imageArea) {
    std::fprintf(stderr, "loader_guest_bench: %zu sites do not fit the image area\n", siteCount);
    return 2;
  }
  const BenchImage image = afterburner::loader::bench::buildBenchImage(
      siteCount, reinterpret_cast<uintptr_t>(imageArea));
  std::memcpy(imageArea, image.bytes.data(), image.bytes.size());

  std::vector<double> perSite, total;
  BootTiming timing;
  for (int run = 0; run < (once ? 1 : runs); ++run) {
    if (once)
      timing = bootOnce(image);
    else if (!bootInChild(image, timing))
      return 1;
    if (!checkResult(timing, siteCount))
      return 1;
    perSite.push_back((timing.bootNanoseconds - timing.consoleNanoseconds) / double(siteCount));
    total.push_back(timing.bootNanoseconds);
  }
  const afterburner_boot_result &result = timing.result;
  std::printf("guestarchive path=%s sites=%u patched=%u native=%u rejected=%u wedge=%s "
              "ns_per_site=%.1f total_us=%.1f runs=%zu\n",
              benchPath == Path::Xen ? "xen" : "bare", result.sites, result.patched, result.native,
              result.rejected, result.wedge, median(perSite), median(total) / 1000.0,
              perSite.size());
  return 0;
}
