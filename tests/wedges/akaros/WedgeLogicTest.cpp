// WedgeLogicTest.cpp: the Akaros wedge's pure logic, hosted with a fake platform
// (wedges/akaros/console.cpp, devices.cpp, msr_policy.cpp).
#include "console.h"
#include "devices.h"
#include "msr_policy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace afterburner::akaros {
namespace {

// What the wedge asked of the "hardware".
struct FakeHardware {
  std::vector<std::pair<uint64_t, uint64_t>> hypercalls;
  std::vector<std::pair<uint32_t, uint64_t>> msrWrites;
  uint64_t timestamp = 0;
};
FakeHardware *hardware = nullptr;

uint64_t fakeHypercall(uint64_t number, uint64_t argument) {
  hardware->hypercalls.push_back({number, argument});
  return number == AKAROS_VMCALL_GET_TSCFREQ ? 1000000 : 0;
}
uint64_t fakeReadMsr(uint32_t) {
  return 0;
}
void fakeWriteMsr(uint32_t index, uint64_t value) {
  hardware->msrWrites.push_back({index, value});
}
uint64_t fakeTimestamp() {
  return hardware->timestamp;
}

class WedgeLogicTest : public ::testing::Test {
protected:
  void SetUp() override { hardware = &fake; }
  void TearDown() override { hardware = nullptr; }

  akaros_console_ring *makeRing(uint32_t size) {
    storage.assign(sizeof(akaros_console_ring) + size, 0);
    auto *ring = reinterpret_cast<akaros_console_ring *>(storage.data());
    ring->magic = AKAROS_CONSOLE_RING_MAGIC;
    ring->size = size;
    return ring;
  }
  std::string printed() const {
    std::string text;
    for (auto &[number, argument] : fake.hypercalls)
      if (number == AKAROS_VMCALL_PRINTC)
        text += static_cast<char>(argument);
    return text;
  }

  FakeHardware fake;
  Platform platform{fakeHypercall, fakeReadMsr, fakeWriteMsr, fakeTimestamp};
  std::vector<uint8_t> storage;
};

TEST_F(WedgeLogicTest, ConsoleWithoutRingUsesPrintc) {
  Console console;
  console.reset(&platform, nullptr);
  console.write("hi\n", 3);
  EXPECT_EQ(printed(), "hi\n");
}

TEST_F(WedgeLogicTest, ConsoleRingNeedsNoHypercall) {
  Console console;
  akaros_console_ring *ring = makeRing(16);
  console.reset(&platform, ring);
  console.write("hello", 5);
  EXPECT_TRUE(fake.hypercalls.empty());
  EXPECT_EQ(ring->head, 5u);
  EXPECT_EQ(std::string(ring->data, 5), "hello");
}

TEST_F(WedgeLogicTest, FullRingFallsBackToPrintc) {
  Console console;
  akaros_console_ring *ring = makeRing(4);
  console.reset(&platform, ring);
  console.write("abcdef", 6);
  EXPECT_EQ(ring->head, 4u);
  EXPECT_EQ(printed(), "ef");
  ring->tail = 4; // the host drained it
  console.write("g", 1);
  EXPECT_EQ(ring->head, 5u);
}

TEST_F(WedgeLogicTest, BadRingIsIgnored) {
  Console console;
  akaros_console_ring *ring = makeRing(16);
  ring->size = 12; // not a power of two
  console.reset(&platform, ring);
  EXPECT_FALSE(console.usesRing());
}

TEST_F(WedgeLogicTest, UartDataGoesToTheConsoleAndStatusIsIdle) {
  Console console;
  console.reset(&platform, nullptr);
  DeviceRouter router;
  router.reset(&platform, &console, 1000000);
  router.out(0x3fb, 1, 0x80); // DLAB
  router.out(0x3f8, 1, 1);    // divisor, not data
  router.out(0x3fb, 1, 0x03);
  router.out(0x3f8, 1, 'A');
  EXPECT_EQ(printed(), "A");
  EXPECT_EQ(router.in(0x3fd, 1) & 0x20, 0x20u);
  router.out(0x3ff, 1, 0x5a);
  EXPECT_EQ(router.in(0x3ff, 1), 0x5au);
}

TEST_F(WedgeLogicTest, UnknownPortsReadAllOnesAndNeverExit) {
  DeviceRouter router;
  router.reset(&platform, nullptr, 1000000);
  EXPECT_EQ(router.in(0x2f8, 1), 0xffu);
  EXPECT_EQ(router.in(0xcfc, 4), 0xffffffffu);
  router.out(0x80, 1, 0);
  EXPECT_TRUE(fake.hypercalls.empty());
  EXPECT_TRUE(fake.msrWrites.empty());
}

TEST_F(WedgeLogicTest, PitChannelZeroBecomesThePeriodicX2apicTimer) {
  DeviceRouter router;
  router.reset(&platform, nullptr, 1000000);
  // PIC: ICW1..ICW4, vector base 0x20, unmask IRQ 0.
  router.out(0x20, 1, 0x11);
  router.out(0x21, 1, 0x20);
  router.out(0x21, 1, 0x04);
  router.out(0x21, 1, 0x01);
  router.out(0x21, 1, 0xfe);
  // PIT channel 0, mode 2, 11932 ticks: 10 ms.
  router.out(0x43, 1, 0x34);
  router.out(0x40, 1, 11932 & 0xff);
  router.out(0x40, 1, 11932 >> 8);
  EXPECT_EQ(router.timerVector(), 0x20u | X2apicTimerPeriodic);
  EXPECT_NEAR(router.timerInitialCount(), 10000u, 2u) << "1 MHz: microseconds";
  ASSERT_GE(fake.msrWrites.size(), 3u);
  EXPECT_EQ(fake.msrWrites.back().first, X2apicTimerInitialCount);
  // Masking IRQ 0 masks the LVT.
  router.out(0x21, 1, 0xff);
  EXPECT_TRUE(router.timerVector() & X2apicMasked);
}

TEST_F(WedgeLogicTest, PicEndOfInterruptIsAnX2apicEoi) {
  DeviceRouter router;
  router.reset(&platform, nullptr, 1000000);
  router.out(0x20, 1, 0x20);
  bool eoi = false;
  for (auto &[index, value] : fake.msrWrites)
    eoi |= index == X2apicEndOfInterrupt;
  EXPECT_TRUE(eoi);
}

TEST_F(WedgeLogicTest, PitChannelTwoFollowsTheTsc) {
  DeviceRouter router;
  router.reset(&platform, nullptr, 1000000); // 1 GHz TSC
  router.out(0x61, 1, 0x01);                 // gate on, speaker off
  router.out(0x43, 1, 0xb0);                 // channel 2, mode 0
  router.out(0x42, 1, 11932 & 0xff);
  router.out(0x42, 1, 11932 >> 8);
  EXPECT_FALSE(router.in(0x61, 1) & 0x20);
  fake.timestamp += 11'000'000; // 11 ms later
  EXPECT_TRUE(router.in(0x61, 1) & 0x20);
}

TEST_F(WedgeLogicTest, DebugExitIsShutdown) {
  Console console;
  console.reset(&platform, nullptr);
  DeviceRouter router;
  router.reset(&platform, &console, 1000000);
  router.out(0xf4, 4, 0x10);
  ASSERT_EQ(fake.hypercalls.size(), 1u);
  EXPECT_EQ(fake.hypercalls[0].first, AKAROS_VMCALL_SHUTDOWN);
}

TEST(MsrPolicyTest, AkarosSetRunsNativelyAndTheRestIsAbsorbed) {
  EXPECT_EQ(decideMsr(0xc0000080), MsrDecision::Native) << "EFER";
  EXPECT_EQ(decideMsr(0x80b), MsrDecision::Native) << "x2APIC EOI";
  EXPECT_EQ(decideMsr(0x6e0), MsrDecision::Native) << "TSC_DEADLINE (a no-op on Akaros)";
  EXPECT_EQ(decideMsr(0x1b), MsrDecision::ApicBase);
  EXPECT_EQ(decideMsr(0x10), MsrDecision::TimeStamp);
  EXPECT_EQ(decideMsr(0x277), MsrDecision::Absorb) << "PAT: #GP on Akaros";
  EXPECT_EQ(decideMsr(0xc0010015), MsrDecision::Absorb);
}

TEST(MsrPolicyTest, ApicBaseShowsTheApicDisabled) {
  EXPECT_EQ(apicBaseAsSeen(0xfee00d00), 0xfee00100u);
}

} // namespace
} // namespace afterburner::akaros
