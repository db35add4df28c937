// Tests for wedges/common/pit_pic_model.cpp: the PIT counters and OUT pins as a kernel's
// calibration and timer code sees them, and the 8259 pair's init, masks, priorities, EOI.
#include "pit_pic_model.h"

#include <gtest/gtest.h>

using namespace afterburner::wedge;

namespace {

constexpr uint64_t Millisecond = 1000000;

// Programs channel 0 as Linux and the samples do: mode 2, low then high byte.
void startRateGenerator(PitModel &pit, uint16_t divisor, uint64_t now) {
  pit.write(PitControlPort, 0x34, now);
  pit.write(PitChannel0Port, uint8_t(divisor), now);
  pit.write(PitChannel0Port, uint8_t(divisor >> 8), now);
}

void initializePics(PicModel &pic, uint8_t masterBase, uint8_t slaveBase) {
  pic.write(PicMasterCommandPort, 0x11);
  pic.write(PicSlaveCommandPort, 0x11);
  pic.write(PicMasterDataPort, masterBase);
  pic.write(PicSlaveDataPort, slaveBase);
  pic.write(PicMasterDataPort, 0x04);
  pic.write(PicSlaveDataPort, 0x02);
  pic.write(PicMasterDataPort, 0x01);
  pic.write(PicSlaveDataPort, 0x01);
}

} // namespace

TEST(PitModel, RateGeneratorAsksForAPeriodicTimer) {
  PitModel pit;
  EXPECT_FALSE(pit.channel0Timer().running);
  startRateGenerator(pit, 11932, 0); // 100 Hz
  EXPECT_TRUE(pit.takeTimerChanged());
  EXPECT_FALSE(pit.takeTimerChanged());
  const PitTimerRequest request = pit.channel0Timer();
  EXPECT_TRUE(request.running);
  EXPECT_TRUE(request.periodic);
  EXPECT_NEAR(double(request.periodNs), 10.0 * Millisecond, 2000.0);
}

TEST(PitModel, ZeroDivisorMeans65536) {
  PitModel pit;
  startRateGenerator(pit, 0, 0);
  EXPECT_NEAR(double(pit.channel0Timer().periodNs), 54925000.0, 1000.0);
}

TEST(PitModel, ModeZeroIsOneShot) {
  PitModel pit;
  pit.write(PitControlPort, 0x30, 0); // channel 0, lo/hi, mode 0
  pit.write(PitChannel0Port, 0x9c, 0);
  pit.write(PitChannel0Port, 0x2e, 0); // 11932
  EXPECT_TRUE(pit.channel0Timer().running);
  EXPECT_FALSE(pit.channel0Timer().periodic);
}

TEST(PitModel, ControlWordStopsTheCounterUntilACountArrives) {
  PitModel pit;
  startRateGenerator(pit, 1000, 0);
  pit.write(PitControlPort, 0x34, Millisecond);
  EXPECT_FALSE(pit.channel0Timer().running);
  pit.write(PitChannel0Port, 0xe8, Millisecond);
  EXPECT_FALSE(pit.channel0Timer().running); // only the low byte so far
  pit.write(PitChannel0Port, 0x03, Millisecond);
  EXPECT_TRUE(pit.channel0Timer().running);
}

TEST(PitModel, LatchedCountFollowsTime) {
  PitModel pit;
  startRateGenerator(pit, 60000, 0);
  pit.write(PitControlPort, 0x00, 10 * Millisecond); // latch channel 0
  const uint8_t low = pit.read(PitChannel0Port, 20 * Millisecond);
  const uint8_t high = pit.read(PitChannel0Port, 20 * Millisecond);
  const unsigned count = low | high << 8;
  // 10 ms = 11931.8 ticks after the load: the latch holds that moment, not the read's.
  EXPECT_NEAR(double(count), 60000.0 - 11931.8, 2.0);
}

TEST(PitModel, RateGeneratorWrapsAtItsPeriod) {
  PitModel pit;
  startRateGenerator(pit, 1193, 0);         // about 1 ms
  pit.write(PitControlPort, 0x00, 1500000); // 1.5 ms: half way through the 2nd period
  const unsigned count = pit.read(PitChannel0Port, 0) | pit.read(PitChannel0Port, 0) << 8;
  EXPECT_NEAR(double(count), 1193.0 - (1789.8 - 1193.0), 2.0);
}

// The samples' calibration: channel 2 in mode 0 gated through port 0x61, OUT2 polled.
TEST(PitModel, Channel2GateAndOutputForCalibration) {
  PitModel pit;
  const uint8_t portB = pit.read(SystemControlPortB, 0);
  pit.write(SystemControlPortB, portB & ~0x03, 0); // gate low
  pit.write(PitControlPort, 0xb0, 0);
  pit.write(PitChannel2Port, 0x9c, 0);
  pit.write(PitChannel2Port, 0x2e, 0);                                    // 11932 ticks = 10 ms
  pit.write(SystemControlPortB, (portB & ~0x02) | 0x01, 5 * Millisecond); // count starts
  EXPECT_FALSE(pit.read(SystemControlPortB, 14 * Millisecond) & 0x20);
  EXPECT_TRUE(pit.read(SystemControlPortB, 15 * Millisecond + 10000) & 0x20);
}

TEST(PitModel, GateLowHoldsTheCount) {
  PitModel pit;
  pit.write(SystemControlPortB, 0x00, 0);
  pit.write(PitControlPort, 0xb0, 0);
  pit.write(PitChannel2Port, 0xff, 0);
  pit.write(PitChannel2Port, 0xff, 0);
  EXPECT_FALSE(pit.read(SystemControlPortB, 100 * Millisecond) & 0x20);
  EXPECT_EQ(pit.channel(2).count(100 * Millisecond), 0xffff);
}

TEST(PitModel, RefreshBitToggles) {
  PitModel pit;
  const bool first = pit.read(SystemControlPortB, 0) & 0x10;
  const bool second = pit.read(SystemControlPortB, 0) & 0x10;
  EXPECT_NE(first, second);
}

TEST(PitModel, OwnsItsPortsOnly) {
  EXPECT_TRUE(PitModel::ownsPort(0x40));
  EXPECT_TRUE(PitModel::ownsPort(0x43));
  EXPECT_TRUE(PitModel::ownsPort(0x61));
  EXPECT_FALSE(PitModel::ownsPort(0x44));
  EXPECT_FALSE(PitModel::ownsPort(0x20));
}

TEST(PicModel, NothingIsDeliveredBeforeInitialisation) {
  PicModel pic;
  pic.raise(0);
  EXPECT_EQ(pic.nextVector(), -1);
}

TEST(PicModel, DeliversToTheProgrammedVectorOnceUnmasked) {
  PicModel pic;
  initializePics(pic, 0x20, 0x28);
  pic.write(PicMasterDataPort, 0xff);
  pic.raise(0);
  EXPECT_EQ(pic.nextVector(), -1); // masked
  pic.write(PicMasterDataPort, 0xfe);
  EXPECT_EQ(pic.nextVector(), 0x20);
  EXPECT_EQ(pic.acknowledge(), 0x20);
  EXPECT_EQ(pic.inService(), 0x0001);
  EXPECT_EQ(pic.requests(), 0x0000);
}

TEST(PicModel, InServiceBlocksUntilEndOfInterrupt) {
  PicModel pic;
  initializePics(pic, 0x20, 0x28);
  pic.write(PicMasterDataPort, 0x00);
  pic.raise(0);
  ASSERT_EQ(pic.acknowledge(), 0x20);
  pic.raise(0);
  EXPECT_EQ(pic.nextVector(), -1);
  pic.write(PicMasterCommandPort, 0x20); // non-specific EOI
  EXPECT_EQ(pic.nextVector(), 0x20);
}

TEST(PicModel, HigherPriorityPreemptsLower) {
  PicModel pic;
  initializePics(pic, 0x20, 0x28);
  pic.write(PicMasterDataPort, 0x00);
  pic.raise(3);
  ASSERT_EQ(pic.acknowledge(), 0x23);
  pic.raise(1);
  EXPECT_EQ(pic.acknowledge(), 0x21); // IRQ 1 outranks the IRQ 3 in service
  pic.raise(4);
  EXPECT_EQ(pic.nextVector(), -1);       // below both
  pic.write(PicMasterCommandPort, 0x20); // ends IRQ 1 (highest in service)
  EXPECT_EQ(pic.inService(), 0x0008);
  pic.write(PicMasterCommandPort, 0x63); // specific EOI for IRQ 3
  EXPECT_EQ(pic.acknowledge(), 0x24);
}

TEST(PicModel, SlaveLinesCascadeThroughIrq2) {
  PicModel pic;
  initializePics(pic, 0x20, 0x28);
  pic.write(PicMasterDataPort, 0xfb); // only the cascade line
  pic.write(PicSlaveDataPort, 0xfe);  // IRQ 8
  pic.raise(8);
  EXPECT_EQ(pic.acknowledge(), 0x28);
  EXPECT_EQ(pic.inService(), 0x0104);
  pic.write(PicSlaveCommandPort, 0x20);
  pic.write(PicMasterCommandPort, 0x20);
  EXPECT_EQ(pic.inService(), 0);
  pic.write(PicMasterDataPort, 0xff);
  pic.raise(8);
  EXPECT_EQ(pic.nextVector(), -1); // cascade masked on the master
}

TEST(PicModel, AutoEndOfInterruptLeavesNothingInService) {
  PicModel pic;
  pic.write(PicMasterCommandPort, 0x11);
  pic.write(PicMasterDataPort, 0x30);
  pic.write(PicMasterDataPort, 0x04);
  pic.write(PicMasterDataPort, 0x03); // 8086 mode, auto-EOI
  pic.write(PicMasterDataPort, 0x00);
  pic.raise(0);
  EXPECT_EQ(pic.acknowledge(), 0x30);
  EXPECT_EQ(pic.inService(), 0);
}

TEST(PicModel, ReadsMaskAndRegisters) {
  PicModel pic;
  initializePics(pic, 0x20, 0x28);
  pic.write(PicMasterDataPort, 0xfa);
  EXPECT_EQ(pic.read(PicMasterDataPort), 0xfa);
  pic.raise(0);
  EXPECT_EQ(pic.read(PicMasterCommandPort), 0x01); // IRR by default
  pic.acknowledge();
  pic.write(PicMasterCommandPort, 0x0b); // OCW3: read ISR
  EXPECT_EQ(pic.read(PicMasterCommandPort), 0x01);
}
