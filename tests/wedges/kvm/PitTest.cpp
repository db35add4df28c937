// Tests for wedges/kvm/pit.cpp: the 8254 answered from a nanosecond clock.
#include "pit.h"

#include <gtest/gtest.h>

namespace afterburner::kvm {
namespace {

constexpr uint16_t Channel0 = 0x40;
constexpr uint16_t Channel2 = 0x42;
constexpr uint16_t Control = PitModel::ControlPort;

// Nanoseconds for a number of PIT input ticks (rounded up).
uint64_t nanosecondsFor(uint64_t ticks) {
  return (ticks * 1000000000ull + PitModel::InputHertz - 1) / PitModel::InputHertz;
}

uint16_t latchAndRead(PitModel &pit, unsigned channel, uint64_t now) {
  pit.writeTimer(Control, static_cast<uint8_t>(channel << 6), now);
  const uint8_t low = pit.readTimer(static_cast<uint16_t>(Channel0 + channel), now);
  const uint8_t high = pit.readTimer(static_cast<uint16_t>(Channel0 + channel), now);
  return static_cast<uint16_t>(low | high << 8);
}

TEST(PitTest, TicksInSpans) {
  EXPECT_EQ(PitModel::ticksIn(1000000000ull), PitModel::InputHertz);
  EXPECT_EQ(PitModel::ticksIn(0), 0u);
  EXPECT_EQ(PitModel::ticksIn(3600ull * 1000000000ull), 3600ull * PitModel::InputHertz);
  EXPECT_EQ(PitModel::ticksIn(838), 0u); // one tick is 838.1 ns
  EXPECT_EQ(PitModel::ticksIn(839), 1u);
}

TEST(PitTest, LatchCommandsStayInTheModel) {
  PitModel pit{};
  pit.reset(0);
  EXPECT_TRUE(pit.writeTimer(Control, 0x34, 0)); // channel 0, lo/hi, mode 2
  EXPECT_TRUE(pit.writeTimer(Channel0, 0x9c, 0));
  EXPECT_TRUE(pit.writeTimer(Channel0, 0x2e, 0));  // 11932: 100 Hz
  EXPECT_FALSE(pit.writeTimer(Control, 0x00, 10)); // latch channel 0
  EXPECT_FALSE(pit.writeTimer(Control, 0xe2, 10)); // read-back channel 0
}

TEST(PitTest, RateGeneratorCountsDownAndReloads) {
  PitModel pit{};
  pit.reset(0);
  pit.writeTimer(Control, 0x34, 0);
  pit.writeTimer(Channel0, 0x9c, 1000);
  pit.writeTimer(Channel0, 0x2e, 1000); // 11932, counting from t = 1000 ns
  EXPECT_EQ(latchAndRead(pit, 0, 1000), 11932);
  EXPECT_EQ(latchAndRead(pit, 0, 1000 + nanosecondsFor(100)), 11832);
  EXPECT_EQ(latchAndRead(pit, 0, 1000 + nanosecondsFor(11932 + 2)), 11930);
}

TEST(PitTest, LatchedValueHoldsUntilRead) {
  PitModel pit{};
  pit.reset(0);
  pit.writeTimer(Control, 0x34, 0);
  pit.writeTimer(Channel0, 0x00, 0);
  pit.writeTimer(Channel0, 0x10, 0); // 4096
  pit.writeTimer(Control, 0x00, nanosecondsFor(96));
  const uint8_t low = pit.readTimer(Channel0, nanosecondsFor(1000));
  const uint8_t high = pit.readTimer(Channel0, nanosecondsFor(2000));
  EXPECT_EQ(low | high << 8, 4000);
}

TEST(PitTest, OneShotOnChannel2RaisesOut2AfterTheCount) {
  // The sample kernel's calibration: gate low, mode 0 with N ticks, gate high,
  // poll port 0x61 bit 5.
  PitModel pit{};
  pit.reset(0);
  pit.writeSystemControl(0x00, 0);
  pit.writeTimer(Control, 0xb0, 0);
  pit.writeTimer(Channel2, 0x9b, 0);
  pit.writeTimer(Channel2, 0x2e, 0);                                          // 11931 ticks, 10 ms
  EXPECT_EQ(pit.readSystemControl(5000000) & PitModel::SystemControlOut2, 0); // gate low
  const uint64_t start = 5000000;
  pit.writeSystemControl(0x01, start);
  EXPECT_EQ(pit.readSystemControl(start + nanosecondsFor(11930)) & PitModel::SystemControlOut2, 0);
  EXPECT_NE(pit.readSystemControl(start + nanosecondsFor(11931)) & PitModel::SystemControlOut2, 0);
  EXPECT_EQ(pit.readSystemControl(start) & PitModel::SystemControlGate2, 1);
}

TEST(PitTest, GateLowPausesModeZero) {
  PitModel pit{};
  pit.reset(1);
  pit.writeTimer(Control, 0xb0, 0);
  pit.writeTimer(Channel2, 0x00, 0);
  pit.writeTimer(Channel2, 0x01, 0); // 256
  pit.writeSystemControl(0x00, nanosecondsFor(56));
  EXPECT_EQ(latchAndRead(pit, 2, nanosecondsFor(5000)), 200);
  pit.writeSystemControl(0x01, nanosecondsFor(5000));
  EXPECT_EQ(latchAndRead(pit, 2, nanosecondsFor(5100)), 100);
}

TEST(PitTest, ReadBackLatchesStatus) {
  PitModel pit{};
  pit.reset(0);
  pit.writeTimer(Control, 0x34, 0); // mode 2, lo/hi, no count yet: null count
  pit.writeTimer(Control, 0xc2, 0); // read-back: status and count of channel 0
  EXPECT_EQ(pit.readTimer(Channel0, 0), 0x80 | 0x40 | 0x30 | 0x04);
}

TEST(PitTest, SquareWaveCountsByTwo) {
  PitModel pit{};
  pit.reset(0);
  pit.writeTimer(Control, 0x36, 0); // channel 0, lo/hi, mode 3
  pit.writeTimer(Channel0, 100, 0);
  pit.writeTimer(Channel0, 0, 0);
  EXPECT_EQ(latchAndRead(pit, 0, nanosecondsFor(10)), 80);
  EXPECT_EQ(latchAndRead(pit, 0, nanosecondsFor(60)), 80); // second half period
}

TEST(PitTest, RefreshBitToggles) {
  PitModel pit{};
  pit.reset(0);
  const uint8_t first = pit.readSystemControl(0) & PitModel::SystemControlRefresh;
  const uint8_t later = pit.readSystemControl(15085) & PitModel::SystemControlRefresh;
  EXPECT_NE(first, later);
}

} // namespace
} // namespace afterburner::kvm
