// Tests for wedges/kvm/port_router.cpp (and pic.cpp): which guest port accesses
// still reach the device, i.e. still exit.
#include "port_router.h"

#include "FakeHardware.h"

#include <gtest/gtest.h>

namespace afterburner::kvm {
namespace {

using test::Access;
using test::FakeHardware;

class PortRouterTest : public ::testing::Test {
protected:
  void start(bool withClock = true, bool dropIoDelay = true) {
    hardware = std::make_unique<FakeHardware>(withClock);
    router = PortRouter{};
    router.reset(hardware->hooks(), dropIoDelay);
  }
  std::unique_ptr<FakeHardware> hardware;
  PortRouter router{};
};

TEST_F(PortRouterTest, IoDelayDroppedOnlyWhenKvmSaysSo) {
  start(true, true);
  router.out(0x80, 1, 0);
  EXPECT_TRUE(hardware->Accesses.empty());
  start(true, false);
  router.out(0x80, 1, 0);
  EXPECT_EQ(hardware->Accesses.size(), 1u);
}

TEST_F(PortRouterTest, CalibrationLoopCostsOneRealRead) {
  // samples/common/pic_pit.cpp measureTscWindow, with 3 polls.
  start();
  hardware->Inputs[0x61] = 0x20;
  const uint8_t portB = static_cast<uint8_t>(router.in(0x61, 1));
  router.out(0x61, 1, portB & ~0x03);
  router.out(0x43, 1, 0xb0);
  router.out(0x42, 1, 0x9b);
  router.out(0x42, 1, 0x2e);
  router.out(0x61, 1, (portB & ~0x02) | 0x01);
  hardware->Now = 1000000;
  EXPECT_EQ(router.in(0x61, 1) & 0x20, 0u);
  hardware->Now = 20000000;
  EXPECT_NE(router.in(0x61, 1) & 0x20, 0u);
  router.out(0x61, 1, portB);
  ASSERT_EQ(hardware->Accesses.size(), 1u);
  EXPECT_EQ(hardware->Accesses[0], (Access{false, 0x61, 1, 0x20, {}}));
}

TEST_F(PortRouterTest, SpeakerOnReplaysChannel2) {
  start();
  hardware->Inputs[0x61] = 0x00;
  router.in(0x61, 1);
  router.out(0x43, 1, 0xb6);
  router.out(0x42, 1, 0x34);
  router.out(0x42, 1, 0x12);
  router.out(0x61, 1, 0x03);
  ASSERT_EQ(hardware->Accesses.size(), 5u);
  EXPECT_EQ(hardware->Accesses[1], (Access{true, 0x43, 1, 0xb6, {}}));
  EXPECT_EQ(hardware->Accesses[3], (Access{true, 0x42, 1, 0x12, {}}));
  EXPECT_EQ(hardware->Accesses[4], (Access{true, 0x61, 1, 0x03, {}}));
}

TEST_F(PortRouterTest, Channel0ProgrammingReachesThePit) {
  start();
  router.out(0x43, 1, 0x34);
  router.out(0x40, 1, 0x9c);
  router.out(0x40, 1, 0x2e);
  router.out(0x43, 1, 0x00); // latch: model only
  router.in(0x40, 1);
  router.in(0x40, 1);
  EXPECT_EQ(hardware->Accesses.size(), 3u);
}

TEST_F(PortRouterTest, WithoutKvmclockTheTimerIsPassedThrough) {
  start(false);
  router.out(0x43, 1, 0x00);
  router.in(0x40, 1);
  router.in(0x61, 1);
  EXPECT_EQ(hardware->Accesses.size(), 3u);
}

TEST_F(PortRouterTest, PicInitPassesAndRepeatedMasksAreDropped) {
  start();
  const uint8_t sequence[][2] = {{0x20, 0x11}, {0xa0, 0x11}, {0x21, 32},   {0xa1, 40},
                                 {0x21, 0x04}, {0xa1, 0x02}, {0x21, 0x01}, {0xa1, 0x01}};
  for (const auto &write : sequence)
    router.out(write[0], 1, write[1]);
  EXPECT_EQ(hardware->Accesses.size(), 8u);
  router.out(0x21, 1, 0xfb);
  router.out(0xa1, 1, 0xff);
  router.out(0x21, 1, 0xfa); // unmask IRQ 0: only the master changes
  router.out(0xa1, 1, 0xff);
  EXPECT_EQ(hardware->Accesses.size(), 11u);
  EXPECT_EQ(router.in(0x21, 1), 0xfau); // from memory
  router.out(0x20, 1, 0x20);            // EOI: always
  EXPECT_EQ(hardware->Accesses.size(), 12u);
}

TEST_F(PortRouterTest, PicMaskReadBeforeAnyWriteAsksOnce) {
  start();
  hardware->Inputs[0x21] = 0xb8;
  EXPECT_EQ(router.in(0x21, 1), 0xb8u);
  EXPECT_EQ(router.in(0x21, 1), 0xb8u);
  EXPECT_EQ(hardware->Accesses.size(), 1u);
  router.out(0x21, 1, 0xb8);
  EXPECT_EQ(hardware->Accesses.size(), 1u);
}

TEST_F(PortRouterTest, EndOfInterruptSendsAPartialLine) {
  start();
  router.out(0x3f8, 1, '.');
  router.out(0x20, 1, 0x20);
  ASSERT_EQ(hardware->Accesses.size(), 2u);
  EXPECT_EQ(hardware->Accesses[0].bytes, ".");
  EXPECT_EQ(hardware->Accesses[1], (Access{true, 0x20, 1, 0x20, {}}));
  router.out(0x20, 1, 0x20); // nothing pending: just the EOI
  EXPECT_EQ(hardware->Accesses.size(), 3u);
}

TEST_F(PortRouterTest, OtherPortsFlushTheConsoleFirst) {
  start();
  router.out(0x3f8, 1, 'o');
  router.out(0x3f8, 1, 'k');
  router.out(0xf4, 4, 0x10); // isa-debug-exit: the text must be out before
  ASSERT_EQ(hardware->Accesses.size(), 2u);
  EXPECT_EQ(hardware->Accesses[0].bytes, "ok");
  EXPECT_EQ(hardware->Accesses[1], (Access{true, 0xf4, 4, 0x10, {}}));
}

TEST_F(PortRouterTest, StringWritesToTheDataPortGoToTheConsole) {
  start();
  EXPECT_TRUE(router.takesString(0x3f8, 1));
  EXPECT_FALSE(router.takesString(0x3f8, 2));
  EXPECT_FALSE(router.takesString(0x3f9, 1));
  router.out(0x3fb, 1, 0x80);
  EXPECT_FALSE(router.takesString(0x3f8, 1)); // divisor latch open
}

} // namespace
} // namespace afterburner::kvm
