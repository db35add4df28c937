// main.cpp: the vthreads sample (hosted driver). A Linux program runs functions of its own
// (guest.cpp, assembled by afterburner-as and linked with the loader and the
// Akaros wedge) as Akaros vthreads on the vthread host (wedges/akaros/host). The
// vthreads read and write this program's heap directly (guest-physical ==
// process-virtual) and return values through vthread_join.
//
//   vthreads [--stats]     exit 0 when every vthread returned what the host expected
#include "../guest.h"

#include "ElfImage.h"
#include "VirtualMachine.h"
#include "akaros_abi.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace afterburner::akaros;

extern "C" char __executable_start[]; // GNU ld: the first byte of the image
extern "C" char etext[];              // GNU ld: the end of .text

namespace {

constexpr uint64_t kPageSize = 4096;

void *function(void (*entry)(BootRequest *)) {
  return reinterpret_cast<void *>(entry);
}
template <typename Request> void *function(void (*entry)(Request *)) {
  return reinterpret_cast<void *>(entry);
}

// The loader patches sites in place, from Ring V: the text must be writable in the
// process, since Ring V writes through the process's own mappings.
bool makeTextWritable() {
  uintptr_t start = reinterpret_cast<uintptr_t>(__executable_start) & ~(kPageSize - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(etext) + kPageSize - 1) & ~(kPageSize - 1);
  if (mprotect(reinterpret_cast<void *>(start), end - start, PROT_READ | PROT_WRITE | PROT_EXEC) ==
      0)
    return true;
  std::perror("vthreads: mprotect of the program text");
  return false;
}

bool check(bool condition, const char *what) {
  std::printf("  %-56s %s\n", what, condition ? "ok" : "FAILED");
  return condition;
}

uintptr_t run(VirtualMachine &vm, void *entry, void *request) {
  void *result = nullptr;
  vthread_join(vthread_create(&vm, entry, request), &result);
  return reinterpret_cast<uintptr_t>(result);
}

} // namespace

int main(int argc, char **argv) {
  const bool stats = argc > 1 && std::strcmp(argv[1], "--stats") == 0;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string error;
  auto self = ElfImage::read("/proc/self/exe", error);
  auto notes = self ? self->section(".note.afterburner") : std::nullopt;
  if (!notes) {
    std::fprintf(stderr, "vthreads: %s\n", self ? "no .note.afterburner section" : error.c_str());
    return 2;
  }
  if (!makeTextWritable())
    return 2;

  VirtualMachine vm;
  vm.setVmcall(VirtualMachine::vthreadVmcallHandler); // vm->vmcall = vth_handle_vmcall
  vm.prepareGuestPcores(1);

  auto *block =
      static_cast<akaros_vthread_block *>(vm.allocateGuestMemory(sizeof(akaros_vthread_block)));
  block->magic = AKAROS_VTHREAD_BLOCK_MAGIC;
  block->version = AKAROS_VTHREAD_BLOCK_VERSION;
  block->size = sizeof *block;
  block->flags = AKAROS_VTHREAD_FLAG_CONSOLE_RING | AKAROS_VTHREAD_FLAG_VTHREAD_TABLE;
  block->tunnel_port = vm.options().tunnelPort;
  block->tsc_khz = vm.tscKilohertz();
  block->console_ring = vm.consoleRing();

  // 1. The loader, in a vthread, over this program's own notes.
  auto boot = std::make_unique<BootRequest>();
  boot->block = block;
  boot->textStart = reinterpret_cast<uintptr_t>(__executable_start);
  boot->textEnd = reinterpret_cast<uintptr_t>(etext);
  boot->notesStart = reinterpret_cast<const void *>(notes->address);
  boot->notesEnd = reinterpret_cast<const void *>(notes->address + notes->bytes);
  const uintptr_t patched = run(vm, function(vthread_boot), boot.get());
  vm.drainConsoleRing();

  // 2. Four vthreads at once, on the host's heap.
  std::vector<uint64_t> values(1000);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = i + 1;
  auto sum = std::make_unique<SumRequest>(SumRequest{values.data(), values.size(), 0, 0});
  auto identify = std::make_unique<IdentifyRequest>();
  auto histogram = std::make_unique<uint64_t[]>(256);
  auto greetAda = std::make_unique<GreetRequest>(GreetRequest{"ada", histogram.get()});
  auto greetBob = std::make_unique<GreetRequest>(GreetRequest{"bob", histogram.get()});
  Vthread *threads[] = {vthread_create(&vm, function(vthread_sum), sum.get()),
                        vthread_create(&vm, function(vthread_identify), identify.get()),
                        vthread_create(&vm, function(vthread_greet), greetAda.get())};
  void *results[4] = {};
  for (int i = 0; i < 3; ++i)
    vthread_join(threads[i], &results[i]);
  results[3] = reinterpret_cast<void *>(run(vm, function(vthread_greet), greetBob.get()));
  vm.drainConsoleRing();

  std::printf("vthreads: loader wedge=%s sites=%u patched=%u\n", boot->wedge, boot->sites,
              boot->patched);
  bool ok = true;
#ifdef AFTERBURNER_VTHREADS_EXPECT_SITES
  const bool sitesPatched = boot->patched > 0;
#else
  const bool sitesPatched = true; // built without afterburner-as: no sites
#endif
  ok &= check(std::strcmp(boot->wedge, "akaros") == 0 && patched == boot->patched && sitesPatched,
              "loader picked the Akaros wedge and patched sites");
  ok &= check(reinterpret_cast<uintptr_t>(results[0]) == 500500 && sum->sum == 500500,
              "vthread_sum read the heap array, wrote the sum back");
  ok &= check(std::strcmp(identify->signature, "AKAROSINSIDE") == 0,
              "vthread_identify saw AKAROSINSIDE");
  ok &= check(reinterpret_cast<uintptr_t>(results[1]) == identify->apicId && identify->apicId < 3,
              "vthread_identify returned its APIC id (its guest pcore)");
  ok &= check(identify->interruptsWereOff == 1, "vthreads start with IF = 0");
  ok &= check(reinterpret_cast<uintptr_t>(results[2]) == 3 &&
                  reinterpret_cast<uintptr_t>(results[3]) == 3,
              "vthread_greet returned its name's length");
  ok &= check(histogram['b'] == 2 && histogram['a'] == 2 && histogram['d'] == 1 &&
                  histogram['o'] == 1,
              "vthread_greet counted into the host's histogram");
  ok &= check(vm.guestPcoreCount() <= 3,
              "five vthreads on at most three guest pcores (parked, reused)");
  std::printf("vthreads: sum took %llu TSC cycles inside the vthread\n",
              static_cast<unsigned long long>(sum->cycles));
  if (stats) {
    ExitStatistics exits = vm.statistics();
    std::printf("vthreads: %llu exits (vmcalls:", static_cast<unsigned long long>(exits.total));
    for (const auto &[number, count] : exits.vmcalls)
      std::printf(" %u=%llu", number, static_cast<unsigned long long>(count));
    std::printf("; port I/O %llu)\n", static_cast<unsigned long long>(exits.portIo));
  }
  std::printf("%s\n", ok ? "SUCCESS" : "FAILURE");
  return ok ? 0 : 1;
}
