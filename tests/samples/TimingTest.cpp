// TimingTest.cpp: TSC calibration and per-op arithmetic (samples/common/timing.h).
#include "timing.h"

#include <gtest/gtest.h>

namespace {

using namespace kernel::timing;

TEST(TimingTest, PitDivisorRoundsAndClamps) {
  EXPECT_EQ(pitDivisor(100), 11932u);
  EXPECT_EQ(pitDivisor(1000), 1193u);
  EXPECT_EQ(pitDivisor(18), 0x10000u); // below 18.2 Hz the counter saturates
  EXPECT_EQ(pitDivisor(0), 0x10000u);
  EXPECT_EQ(pitDivisor(2000000), 1u); // faster than the input clock
}

TEST(TimingTest, TscFrequencyFromAPitWindow) {
  // 10 ms window (11932 PIT ticks) at 2.596 GHz is about 25,960,000 cycles.
  uint64_t cycles = 2596000000ull * 11932 / PitHz;
  uint64_t hz = tscHzFromPit(cycles, 11932);
  EXPECT_NEAR((double)hz, 2596000000.0, 2596000000.0 * 1e-6);
  EXPECT_EQ(tscHzFromPit(123, 0), 0u);
}

TEST(TimingTest, TscFrequencyDoesNotOverflowForLongWindows) {
  // One hour at 4 GHz: cycles * PitHz would overflow 64 bits.
  uint64_t cycles = 4000000000ull * 3600;
  uint64_t ticks = PitHz * 3600;
  EXPECT_EQ(tscHzFromPit(cycles, ticks), 4000000000ull);
}

TEST(TimingTest, CyclesPerOpSubtractsTheEmptyLoop) {
  EXPECT_EQ(cyclesPerOp(250000, 50000, 1000), 200u);
  EXPECT_EQ(cyclesPerOp(40000, 50000, 1000), 0u); // noise below the baseline
  EXPECT_EQ(cyclesPerOp(1000, 0, 0), 0u);
}

TEST(TimingTest, NanosecondsAndMicroseconds) {
  EXPECT_EQ(cyclesToNanoseconds(2596, 2596000000ull), 1000u);
  EXPECT_EQ(cyclesToNanoseconds(26, 2596000000ull), 10u);
  EXPECT_EQ(cyclesToNanoseconds(5, 0), 0u);
  EXPECT_EQ(microsecondsToCycles(1000, 2596000000ull), 2596000u);
  EXPECT_EQ(microsecondsToCycles(3, 1500000ull), 4u);
}

TEST(TimingTest, MedianSortsInPlace) {
  uint64_t values[] = {30, 10, 50, 20, 40};
  EXPECT_EQ(median(values, 5), 30u);
  EXPECT_EQ(values[0], 10u);
  EXPECT_EQ(values[4], 50u);
  uint64_t pair[] = {9, 1};
  EXPECT_EQ(median(pair, 2), 9u);
  EXPECT_EQ(median(pair, 0), 0u);
}

TEST(TimingTest, CalibrationPrefersTrustedWindows) {
  // The second window started late (preempted): short, and its uncertainty shows it.
  TscWindow windows[] = {{26000000, 1000}, {9000000, 17000000}, {26100000, 2000}, {25900000, 500}};
  EXPECT_TRUE(isTrusted(windows[0]));
  EXPECT_FALSE(isTrusted(windows[1]));
  EXPECT_EQ(calibrationCycles(windows, 4), 26000000u); // the other two agree with it
}

TEST(TimingTest, CalibrationIgnoresWindowsThatLostTime) {
  // Seen under TCG on a loaded host: short windows with small uncertainty.
  TscWindow windows[] = {{3775599, 1186},  {20332009, 1386}, {27903978, 10970008},
                         {22999857, 1186}, {21677374, 1072}, {22999973, 1374}};
  EXPECT_EQ(calibrationCycles(windows, 6), 22999973u);
}

TEST(TimingTest, CalibrationFallsBackToAllWindows) {
  TscWindow windows[] = {{100, 50}, {300, 50}, {200, 50}};
  EXPECT_EQ(calibrationCycles(windows, 3), 300u); // no agreement: the longest
  EXPECT_FALSE(isTrusted(TscWindow{0, 0}));
  EXPECT_EQ(calibrationCycles(windows, 0), 0u);
}

TEST(TimingTest, WindowsAgreeWithinHalfAPercent) {
  EXPECT_TRUE(agree(23000000, 23100000));
  EXPECT_FALSE(agree(23000000, 23200000));
}

} // namespace
