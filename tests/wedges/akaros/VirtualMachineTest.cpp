// VirtualMachineTest.cpp: runs guest functions of this very binary as vthreads on
// /dev/kvm (wedges/akaros/host/VirtualMachine.cpp, GuestThread.cpp).
#include "VirtualMachine.h"

#include "Failure.h"
#include "MsrTable.h"
#include "akaros_abi.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" {
void test_guest_increment(void *);
void test_guest_print(void *);
void test_guest_sum(void *);
void test_guest_cpuid(void *);
void test_guest_rdmsr(void *);
void test_guest_wait_for_flag(void *);
void test_guest_vmcall(void *);
void test_guest_bad_port_io(void *);
void test_guest_good_port_io(void *);
void test_guest_bad_port_in(void *);
void test_guest_pci_id(void *);
void test_guest_interrupts(void *);
void test_guest_read_low4k(void *);
void test_guest_or_low4k(void *);
void test_guest_smpboot(void *);
void test_guest_trace(void *);
void test_guest_rdtsc(void *);
void test_guest_application_processor(void *);
extern char test_guest_interrupt_handler[];
extern uint64_t test_guest_interrupt_count;
}

namespace afterburner::akaros {
namespace {

bool haveKvm() {
  int fd = open("/dev/kvm", O_RDWR);
  if (fd < 0)
    return false;
  close(fd);
  return true;
}

#define REQUIRE_KVM()                                                                              \
  do {                                                                                             \
    if (!haveKvm())                                                                                \
      GTEST_SKIP() << "/dev/kvm is not available";                                                 \
  } while (0)

struct CapturingVm {
  std::string output;
  std::unique_ptr<VirtualMachine> vm;
  explicit CapturingVm(VirtualMachineOptions options = {}) {
    options.console = [this](const char *text, size_t length) { output.append(text, length); };
    vm = std::make_unique<VirtualMachine>(options);
    vm->setVmcall(VirtualMachine::vthreadVmcallHandler);
  }
};

uintptr_t runToCompletion(VirtualMachine &vm, void (*entry)(void *), void *argument) {
  Vthread *vthread = vthread_create(&vm, reinterpret_cast<void *>(entry), argument);
  void *result = nullptr;
  vthread_join(vthread, &result);
  return reinterpret_cast<uintptr_t>(result);
}

struct SumRequest {
  uint64_t *values;
  uint64_t count;
  uint64_t sum;
};

struct CpuidRequest {
  uint32_t leaf, subleaf, eax, ebx, ecx, edx;
};

TEST(VirtualMachineTest, JoinReturnsTheExitValue) {
  REQUIRE_KVM();
  CapturingVm guest;
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_increment, reinterpret_cast<void *>(41)), 42u);
}

TEST(VirtualMachineTest, PrintcReachesTheConsole) {
  REQUIRE_KVM();
  CapturingVm guest;
  static const char text[] = "hello from a vthread\n";
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_print, const_cast<char *>(text)),
            std::strlen(text));
  EXPECT_EQ(guest.output, text);
  EXPECT_EQ(guest.vm->statistics().vmcalls.at(AKAROS_VTH_VMCALL_PRINTC), std::strlen(text));
}

TEST(VirtualMachineTest, VthreadReadsAndWritesTheHostHeap) {
  REQUIRE_KVM();
  CapturingVm guest;
  std::vector<uint64_t> values{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  auto *request = new SumRequest{values.data(), values.size(), 0};
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_sum, request), 55u);
  EXPECT_EQ(request->sum, 55u);
  delete request;
}

TEST(VirtualMachineTest, FiveConcurrentThenTenSerialLeaveFiveGuestPcores) {
  REQUIRE_KVM();
  CapturingVm guest;
  std::vector<uint64_t> flags(5, 0);
  std::vector<Vthread *> running;
  for (auto &flag : flags)
    running.push_back(
        vthread_create(guest.vm.get(), reinterpret_cast<void *>(test_guest_wait_for_flag), &flag));
  for (size_t i = 0; i < flags.size(); ++i)
    __atomic_store_n(&flags[i], i + 100, __ATOMIC_RELEASE);
  for (size_t i = 0; i < running.size(); ++i) {
    void *result = nullptr;
    vthread_join(running[i], &result);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(result), i + 100);
  }
  for (uintptr_t i = 0; i < 10; ++i)
    EXPECT_EQ(runToCompletion(*guest.vm, test_guest_increment, reinterpret_cast<void *>(i)), i + 1);
  EXPECT_EQ(guest.vm->guestPcoreCount(), 5u);
}

TEST(VirtualMachineTest, CpuidIsAkarosTable) {
  REQUIRE_KVM();
  CapturingVm guest;
  // Requests live on the heap: the host's stack is above 2^46, invisible to guests.
  auto owned = std::make_unique<CpuidRequest[]>(3);
  CpuidRequest &akaros = owned[0];
  akaros = {AKAROS_CPUID_AKAROS_LEAF, 0, 1, 0, 0, 0};
  runToCompletion(*guest.vm, test_guest_cpuid, &akaros);
  EXPECT_EQ(akaros.eax, 0u);
  char signature[13] = {};
  std::memcpy(signature, &akaros.ebx, 4);
  std::memcpy(signature + 4, &akaros.ecx, 4);
  std::memcpy(signature + 8, &akaros.edx, 4);
  EXPECT_STREQ(signature, "AKAROSINSIDE");
  CpuidRequest &features = owned[1];
  features = {1, 0, 0, 0, 0, 0};
  runToCompletion(*guest.vm, test_guest_cpuid, &features);
  EXPECT_TRUE(features.ecx & (1u << 31));
  EXPECT_FALSE(features.ecx & (1u << 5));
  EXPECT_EQ(features.ebx >> 24, 0u);
  CpuidRequest &tunnel = owned[2];
  tunnel = {AKAROS_CPUID_TUNNEL_LEAF, 0, 0, 0, 0, 0};
  runToCompletion(*guest.vm, test_guest_cpuid, &tunnel);
  EXPECT_EQ(tunnel.eax, AKAROS_TUNNEL_PORT_DEFAULT);
}

TEST(VirtualMachineTest, ApicIdIsTheVthreadId) {
  REQUIRE_KVM();
  CapturingVm guest;
  auto hold = std::make_unique<uint64_t>(0);
  Vthread *first = vthread_create(guest.vm.get(),
                                  reinterpret_cast<void *>(test_guest_wait_for_flag), hold.get());
  // The second vthread runs on guest pcore 1 while the first one spins.
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_rdmsr, reinterpret_cast<void *>(0x802)), 1u);
  __atomic_store_n(hold.get(), 1, __ATOMIC_RELEASE);
  vthread_join(first, nullptr);
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_rdmsr, reinterpret_cast<void *>(0x802)), 0u);
}

TEST(VirtualMachineTest, AkarosEmulatedMsrsComeFromTheTable) {
  REQUIRE_KVM();
  CapturingVm guest;
  EXPECT_EQ(
      runToCompletion(*guest.vm, test_guest_rdmsr, reinterpret_cast<void *>(msr::kMiscEnable)),
      kAkarosMiscEnable);
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_rdmsr, reinterpret_cast<void *>(msr::kApicBase)),
            0xfee00d00u);
  EXPECT_EQ(guest.vm->statistics().msrRead, 1u);
}

TEST(VirtualMachineTest, WholeTableVmcallOverride) {
  REQUIRE_KVM();
  CapturingVm guest;
  guest.vm->setVmcall([](GuestThread &thread, VmTrapframe &frame) {
    if (frame.rax == AKAROS_VTH_VMCALL_NEXT) {
      frame.rax = frame.rdi * 2;
      return true;
    }
    return VirtualMachine::vthreadVmcallHandler(thread, frame);
  });
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_vmcall,
                            reinterpret_cast<void *>(AKAROS_VTH_VMCALL_NEXT)),
            0u);
}

TEST(VirtualMachineTest, PciHostBridgeIsTheOnlyDevice) {
  REQUIRE_KVM();
  CapturingVm guest;
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_pci_id, nullptr), 0x71908086u);
}

TEST(VirtualMachineTest, DefaultTableAnswersGetTscFrequency) {
  REQUIRE_KVM();
  CapturingVm guest;
  guest.vm->setVmcall([](GuestThread &thread, VmTrapframe &frame) {
    if (frame.rax == AKAROS_VTH_VMCALL_EXIT)
      return VirtualMachine::vthreadVmcallHandler(thread, frame);
    return VirtualMachine::defaultVmcallHandler(thread, frame);
  });
  uintptr_t khz = runToCompletion(*guest.vm, test_guest_vmcall,
                                  reinterpret_cast<void *>(AKAROS_VMCALL_GET_TSCFREQ));
  EXPECT_GT(khz, 100000u);
  EXPECT_EQ(khz, guest.vm->tscKilohertz());
}

// The GDT and IDT a guest loads before it enables interrupts (Akaros gives a
// vthread neither). On the heap: the guest must reach them.
struct InterruptSetup {
  uint64_t gdt, idt, wanted, timerCount;
  std::unique_ptr<uint64_t[]> gdtTable{
      new uint64_t[3]{0, 0x00af9a000000ffffull, 0x00cf92000000ffffull}};
  std::unique_ptr<uint64_t[]> idtTable{new uint64_t[512]()};

  explicit InterruptSetup(uint64_t wantedCount, uint64_t timer = 0) {
    const uint64_t handler = reinterpret_cast<uint64_t>(test_guest_interrupt_handler);
    const unsigned vector = 0x40;
    idtTable[vector * 2] =
        (handler & 0xffff) | (8ull << 16) | (0x8eull << 40) | ((handler >> 16 & 0xffff) << 48);
    idtTable[vector * 2 + 1] = handler >> 32;
    gdt = reinterpret_cast<uint64_t>(gdtTable.get());
    idt = reinterpret_cast<uint64_t>(idtTable.get());
    wanted = wantedCount;
    timerCount = timer;
    __atomic_store_n(&test_guest_interrupt_count, 0, __ATOMIC_RELEASE);
  }
};

void waitForCount(uint64_t count) {
  while (__atomic_load_n(&test_guest_interrupt_count, __ATOMIC_ACQUIRE) < count)
    usleep(1000);
}

TEST(VirtualMachineTest, InterruptsAreInjectedAsMsis) {
  REQUIRE_KVM();
  CapturingVm guest;
  auto setup = std::make_unique<InterruptSetup>(3);
  Vthread *vthread =
      vthread_create(guest.vm.get(), reinterpret_cast<void *>(test_guest_interrupts), setup.get());
  for (uint64_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(vmm_interrupt_guest(guest.vm.get(), vthread->guestPcoreId(), 0x40), 0);
    waitForCount(i); // one at a time: a second MSI before the first is taken merges
  }
  void *result = nullptr;
  vthread_join(vthread, &result);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(result), 3u);
}

TEST(VirtualMachineTest, X2apicTimerTicksAtOneMegahertz) {
  REQUIRE_KVM();
  CapturingVm guest;
  // 2000 counts at 1 MHz: a 2 ms period; five ticks.
  auto setup = std::make_unique<InterruptSetup>(5, 2000);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_interrupts, setup.get()), 5u);
  // At KVM's default 1 GHz bus the five ticks would take 10 us, not 10 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(9));
  EXPECT_EQ(guest.vm->statistics().msrWrite, 0u) << "x2APIC writes stay in KVM's kernel";
}

using VirtualMachineDeathTest = ::testing::Test;

TEST(VirtualMachineDeathTest, UnhandledVmcallFailStops) {
  REQUIRE_KVM();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        CapturingVm guest;
        runToCompletion(*guest.vm, test_guest_vmcall, reinterpret_cast<void *>(77));
      },
      ::testing::ExitedWithCode(kFailStopStatus), "handle_vmexit failed");
}

TEST(VirtualMachineDeathTest, UnknownMsrIsAGeneralProtectionFault) {
  REQUIRE_KVM();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // #GP without an IDT: a triple fault, fatal as on Akaros.
  EXPECT_EXIT(
      {
        CapturingVm guest;
        runToCompletion(*guest.vm, test_guest_rdmsr, reinterpret_cast<void *>(0x10));
      },
      ::testing::ExitedWithCode(kFailStopStatus), "triple fault");
}

TEST(VirtualMachineTest, SmpbootStartsTheNextGuestPcore) {
  REQUIRE_KVM();
  CapturingVm guest;
  guest.vm->setVmcall(VirtualMachine::defaultVmcallHandler);
  struct Request {
    uint64_t rip, rsp, flag;
  };
  auto request = std::make_unique<Request>();
  auto stack = std::make_unique<uint64_t[]>(2048);
  stack[2047] = reinterpret_cast<uint64_t>(request.get());
  request->rip = reinterpret_cast<uint64_t>(test_guest_application_processor);
  request->rsp = reinterpret_cast<uint64_t>(&stack[2047]);
  runToCompletion(*guest.vm, test_guest_smpboot, request.get()); // ends in SHUTDOWN
  EXPECT_EQ(request->flag, 101u) << "the booted pcore is x2APIC id 1";
  EXPECT_TRUE(guest.vm->shutDownRequested());
  EXPECT_EQ(guest.vm->guestPcoreCount(), 2u);
  EXPECT_EQ(guest.vm->statistics().vmcalls.at(AKAROS_VMCALL_SMPBOOT), 1u);
}

TEST(VirtualMachineTest, TraceTfDumpsTheTrapframeWithTheSavedRax) {
  REQUIRE_KVM();
  CapturingVm guest;
  guest.vm->setVmcall(VirtualMachine::defaultVmcallHandler);
  ::testing::internal::CaptureStderr();
  runToCompletion(*guest.vm, test_guest_trace, nullptr);
  const std::string dump = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(dump.find("rax 0x0000000000001234"), std::string::npos) << dump;
  EXPECT_NE(dump.find("rdi 0x0000000000007ace"), std::string::npos) << dump;
  EXPECT_TRUE(guest.vm->shutDownRequested());
}

TEST(VirtualMachineTest, VthreadsSeeTheHostTsc) {
  REQUIRE_KVM();
  CapturingVm guest;
  const uint64_t before = __rdtsc();
  const uint64_t inside = runToCompletion(*guest.vm, test_guest_rdtsc, nullptr);
  const uint64_t after = __rdtsc();
  EXPECT_GE(inside, before) << "Akaros: TSC offset 0";
  EXPECT_LE(inside, after);
}

TEST(VirtualMachineTest, PageZeroIsAkarosLow4k) {
  REQUIRE_KVM();
  CapturingVm guest;
  EXPECT_EQ(runToCompletion(*guest.vm, test_guest_read_low4k, nullptr), 0xff00u)
      << "all ones, except the EBDA pointer at 0x40e";
  EXPECT_EQ(guest.vm->statistics().mmio, 2u);
}

TEST(VirtualMachineDeathTest, MemoryAboveThePhysicalLimitIsInvisible) {
  REQUIRE_KVM();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // 16 GiB: above a 32-bit physical limit, below the default 2^46.
  void *high = mmap(reinterpret_cast<void *>(16ull << 30), 4096, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  ASSERT_EQ(high, reinterpret_cast<void *>(16ull << 30));
  auto *request = new SumRequest{static_cast<uint64_t *>(high), 1, 0};
  static_cast<uint64_t *>(high)[0] = 7;
  {
    CapturingVm guest;
    EXPECT_EQ(runToCompletion(*guest.vm, test_guest_sum, request), 7u);
  }
  VirtualMachineOptions narrow;
  narrow.physicalAddressBits = 32;
  EXPECT_EXIT(
      {
        CapturingVm guest(narrow);
        runToCompletion(*guest.vm, test_guest_sum, request);
      },
      ::testing::ExitedWithCode(kFailStopStatus), "triple fault");
  delete request;
  munmap(high, 4096);
}

TEST(VirtualMachineDeathTest, StrictModeRefusesMmioFormsAkarosCannotDecode) {
  REQUIRE_KVM();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  VirtualMachineOptions strict;
  strict.strict = true;
  {
    CapturingVm guest(strict);
    EXPECT_EQ(runToCompletion(*guest.vm, test_guest_read_low4k, nullptr), 0xff00u);
  }
  {
    CapturingVm guest;
    EXPECT_EQ(runToCompletion(*guest.vm, test_guest_or_low4k, nullptr), 1u);
  }
  EXPECT_EXIT(
      {
        CapturingVm guest(strict);
        runToCompletion(*guest.vm, test_guest_or_low4k, nullptr);
      },
      ::testing::ExitedWithCode(kFailStopStatus), "outside Akaros's decoder");
}

TEST(VirtualMachineDeathTest, StrictModeRefusesEncodingsAkarosCannotDecode) {
  REQUIRE_KVM();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  VirtualMachineOptions strict;
  strict.strict = true;
  {
    CapturingVm guest(strict);
    EXPECT_EQ(runToCompletion(*guest.vm, test_guest_good_port_io, nullptr), 1u);
  }
  {
    CapturingVm guest;
    EXPECT_EQ(runToCompletion(*guest.vm, test_guest_bad_port_io, nullptr), 1u);
  }
  EXPECT_EXIT(
      {
        CapturingVm guest(strict);
        runToCompletion(*guest.vm, test_guest_bad_port_io, nullptr);
      },
      ::testing::ExitedWithCode(kFailStopStatus), "Akaros's VMM would die");
  EXPECT_EXIT(
      {
        CapturingVm guest(strict);
        runToCompletion(*guest.vm, test_guest_bad_port_in, nullptr);
      },
      ::testing::ExitedWithCode(kFailStopStatus), "no in \\$imm8 form");
}

} // namespace
} // namespace afterburner::akaros
