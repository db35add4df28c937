// main.cpp: afterburner-vthread, runs a kernel ELF as Akaros vthread 0 on the
// Linux/KVM stand-in. `afterburner boot --platform vthread KERNEL` calls it.
//
//   afterburner-vthread [--strict] [--stats] [--console ring|printc]
//                       [--physical-bits N] [--timeout SECONDS] KERNEL [-- ARGS...]
//
// Exit status: 0 when the guest printed SUCCESS and shut down cleanly (SHUTDOWN
// vmcall or the 0xcf9 reset), 1 when it did not, 2 on bad input, 3 on fail-stop.
#include "ElfImage.h"
#include "Failure.h"
#include "VirtualMachine.h"

#include "akaros_abi.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace afterburner::akaros;

namespace {

constexpr const char *kEntrySymbol = "afterburner_akaros_vthread_entry";
constexpr size_t kKernelStackBytes = 64 * 1024;

struct CommandOptions {
  std::string kernel;
  std::vector<std::string> arguments;
  bool strict = false;
  bool stats = false;
  std::string console = "ring";
  unsigned physicalAddressBits = 46;
  unsigned timeoutSeconds = 120;
  std::string entrySymbol = kEntrySymbol;
};

// Collects what the guest prints, and passes it on to stdout.
class ConsoleCapture {
public:
  void write(const char *text, size_t length) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(text, 1, length, stdout);
    std::fflush(stdout);
    text_.append(text, length);
  }
  std::string text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

private:
  std::mutex mutex_;
  std::string text_;
};

// Fail-stops the whole VM if the guest neither finishes nor shuts down in time.
class Watchdog {
public:
  Watchdog(VirtualMachine &vm, unsigned seconds)
      : vm_(vm), thread_([this, seconds] { watch(seconds); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

private:
  void watch(unsigned seconds) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; }))
      return;
    std::fprintf(stderr, "afterburner-vthread: the guest did not finish within %u s\n", seconds);
    vm_.failStopAll("stopped by the --timeout watchdog");
    // A pcore that never returns from KVM_RUN: give up without its state.
    wake_.wait_for(lock, std::chrono::seconds(5), [this] { return done_; });
    failStop("afterburner-vthread: no guest pcore answered the watchdog");
  }
  VirtualMachine &vm_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

const char *vmcallName(unsigned number) {
  switch (number) {
  case AKAROS_VMCALL_PRINTC:
    return "PRINTC";
  case AKAROS_VMCALL_SMPBOOT:
    return "SMPBOOT";
  case AKAROS_VMCALL_GET_TSCFREQ:
    return "GET_TSCFREQ";
  case AKAROS_VMCALL_TRACE_TF:
    return "TRACE_TF";
  case AKAROS_VMCALL_SHUTDOWN:
    return "SHUTDOWN";
  default:
    return "other";
  }
}

// KVM's own counters: what a real VMX host handles without the VMM. On this
// machine's software KVM most instructions are emulated, which these show too.
void printKernelCounters(const std::map<std::string, uint64_t> &counters) {
  if (counters.empty())
    return;
  std::fprintf(stderr, "  in KVM's kernel (never reach the VMM):");
  for (const char *name : {"exits", "halt_exits", "io_exits", "mmio_exits", "irq_injections",
                           "hypercalls", "insn_emulation"}) {
    auto found = counters.find(name);
    if (found != counters.end())
      std::fprintf(stderr, " %s=%llu", name, (unsigned long long)found->second);
  }
  std::fprintf(stderr, "\n");
}

void printStatistics(const ExitStatistics &stats, const std::string &output,
                     const std::string &console) {
  unsigned long long lines = 0;
  for (char c : output)
    lines += c == '\n';
  std::fprintf(stderr, "vthread exits (console %s): total %llu\n", console.c_str(),
               (unsigned long long)stats.total);
  for (const auto &[number, count] : stats.vmcalls)
    std::fprintf(stderr, "  vmcall %u %-11s %llu\n", number, vmcallName(number),
                 (unsigned long long)count);
  std::fprintf(stderr, "  port-io %llu mmio %llu rdmsr %llu wrmsr %llu\n",
               (unsigned long long)stats.portIo, (unsigned long long)stats.mmio,
               (unsigned long long)stats.msrRead, (unsigned long long)stats.msrWrite);
  auto printc =
      stats.vmcalls.count(AKAROS_VMCALL_PRINTC) ? stats.vmcalls.at(AKAROS_VMCALL_PRINTC) : 0;
  std::fprintf(stderr, "  console lines %llu, PRINTC exits per line %.2f\n", lines,
               lines ? double(printc) / double(lines) : 0.0);
}

akaros_vthread_block *buildBlock(VirtualMachine &vm, const CommandOptions &options,
                                 uint64_t kernelEntry) {
  auto *block =
      static_cast<akaros_vthread_block *>(vm.allocateGuestMemory(sizeof(akaros_vthread_block)));
  block->magic = AKAROS_VTHREAD_BLOCK_MAGIC;
  block->version = AKAROS_VTHREAD_BLOCK_VERSION;
  block->size = sizeof *block;
  block->vthread_id = 0;
  block->tunnel_port = vm.options().tunnelPort;
  block->tsc_khz = vm.tscKilohertz();
  if (options.strict)
    block->flags |= AKAROS_VTHREAD_FLAG_STRICT;
  if (options.console == "ring") {
    block->flags |= AKAROS_VTHREAD_FLAG_CONSOLE_RING;
    block->console_ring = vm.consoleRing();
  }
  std::string line;
  for (const std::string &argument : options.arguments)
    line += (line.empty() ? "" : " ") + argument;
  auto *text = static_cast<char *>(vm.allocateGuestMemory(line.size() + 1));
  std::memcpy(text, line.c_str(), line.size() + 1);
  block->command_line = text;
  block->kernel_entry = kernelEntry;
  return block;
}

int run(const CommandOptions &options) {
  std::string error;
  auto image = ElfImage::read(options.kernel, error);
  if (!image) {
    std::fprintf(stderr, "afterburner-vthread: %s\n", error.c_str());
    return 2;
  }
  auto entry = image->symbol(options.entrySymbol);
  if (!entry) {
    std::fprintf(stderr,
                 "afterburner-vthread: %s: no symbol '%s': link the Akaros wedge's vthread "
                 "entry stub into the kernel\n",
                 options.kernel.c_str(), options.entrySymbol.c_str());
    return 2;
  }
  if (!image->load(1ull << options.physicalAddressBits, error)) {
    std::fprintf(stderr, "afterburner-vthread: %s\n", error.c_str());
    return 2;
  }
  ConsoleCapture capture;
  VirtualMachineOptions vmOptions;
  vmOptions.physicalAddressBits = options.physicalAddressBits;
  vmOptions.strict = options.strict;
  vmOptions.console = [&capture](const char *text, size_t length) { capture.write(text, length); };
  VirtualMachine vm(vmOptions);
  vm.prepareGuestPcores(1); // vthread 0 exists: its TSC frequency is known
  akaros_vthread_block *block = buildBlock(vm, options, image->entry());
  auto *stack = static_cast<uint8_t *>(vm.allocateGuestMemory(kKernelStackBytes));
  Watchdog watchdog(vm, options.timeoutSeconds);
  Vthread *kernel = vm.startGuest(*entry, reinterpret_cast<uint64_t>(stack + kKernelStackBytes - 8),
                                  reinterpret_cast<uint64_t>(block));
  vthread_join(kernel, nullptr);
  vm.drainConsoleRing();
  const std::string output = capture.text();
  if (options.stats) {
    printStatistics(vm.statistics(), output, options.console);
    printKernelCounters(vm.kernelCounters());
  }
  if (!vm.shutDownRequested()) {
    std::fprintf(stderr, "afterburner-vthread: the guest exited without SHUTDOWN\n");
    return 1;
  }
  if (output.find("SUCCESS") == std::string::npos) {
    std::fprintf(stderr, "afterburner-vthread: the guest shut down without printing SUCCESS\n");
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Runs a kernel as an Akaros vthread on the Linux/KVM stand-in for Akaros's VMM"};
  CommandOptions options;
  app.add_flag("--strict", options.strict,
               "fail-stop on instruction encodings Akaros's VMM cannot decode");
  app.add_flag("--stats", options.stats, "print exit counts to stderr");
  app.add_option("--console", options.console,
                 "console path offered to the wedge: ring (shared memory, no exits) or printc")
      ->check(CLI::IsMember({"ring", "printc"}));
  app.add_option("--physical-bits", options.physicalAddressBits,
                 "guest physical address width (MAXPHYADDR); memory above is invisible")
      ->check(CLI::Range(32, 48));
  app.add_option("--timeout", options.timeoutSeconds, "fail-stop after this many seconds");
  app.add_option("--entry-symbol", options.entrySymbol, "the kernel's vthread entry stub");
  app.add_option("kernel", options.kernel, "the kernel ELF (64-bit, identity-linked)")->required();
  app.add_option("arguments", options.arguments, "kernel command line (after --)");
  CLI11_PARSE(app, argc, argv);
  return run(options);
}
