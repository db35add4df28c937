// Tests for wedges/kvm/kvmclock.cpp: pvclock scaling, frequency and snapshots.
#include "kvmclock.h"

#include <gtest/gtest.h>

namespace afterburner::kvm {
namespace {

// The record Xen/KVM published on the research machine: 2596132 kHz TSC.
constexpr uint32_t MachineMultiplier = 3308743210u;
constexpr int8_t MachineShift = -1;

TEST(KvmclockTest, ScalesWithNegativeShift) {
  // 2596132000 cycles are one second at 2596132 kHz.
  const uint64_t nanoseconds = pvclockScaleDelta(2596132000ull, MachineMultiplier, MachineShift);
  EXPECT_NEAR(static_cast<double>(nanoseconds), 1e9, 1e3);
}

TEST(KvmclockTest, ScalesWithPositiveShift) {
  // mul = 2^31, shift = 1: one cycle is exactly one nanosecond.
  EXPECT_EQ(pvclockScaleDelta(123456789, 0x80000000u, 1), 123456789u);
}

TEST(KvmclockTest, ScaleDoesNotOverflowForLargeDeltas) {
  // An hour of a 2.6 GHz TSC: the 96-bit product must not wrap.
  const uint64_t hour = 3600ull * 2596132000ull;
  const uint64_t nanoseconds = pvclockScaleDelta(hour, MachineMultiplier, MachineShift);
  EXPECT_NEAR(static_cast<double>(nanoseconds), 3600e9, 1e6);
}

TEST(KvmclockTest, FrequencyFromRecord) {
  EXPECT_NEAR(static_cast<double>(pvclockTscHertz(MachineMultiplier, MachineShift)), 2596132e3,
              2e3);
  EXPECT_EQ(pvclockTscHertz(0x80000000u, 1), 1000000000u);
  EXPECT_EQ(pvclockTscHertz(0, 0), 0u);
}

TEST(KvmclockTest, NanosecondsFromTimestamp) {
  PvclockTimeInfo info{};
  info.tscTimestamp = 1000;
  info.systemTime = 5000000;
  info.tscToSystemMul = 0x80000000u;
  info.tscShift = 1;
  EXPECT_EQ(pvclockNanoseconds(info, 1500), 5000500u);
  EXPECT_EQ(pvclockNanoseconds(info, 900), 5000000u); // before the stamp: no negative time
}

TEST(KvmclockTest, SnapshotCopiesASettledRecord) {
  PvclockTimeInfo record{};
  record.version = 2;
  record.tscTimestamp = 77;
  record.systemTime = 88;
  record.tscToSystemMul = 99;
  record.tscShift = -2;
  record.flags = 1;
  PvclockTimeInfo copy{};
  ASSERT_TRUE(pvclockSnapshot(record, copy));
  EXPECT_EQ(copy.tscTimestamp, 77u);
  EXPECT_EQ(copy.systemTime, 88u);
  EXPECT_EQ(copy.tscToSystemMul, 99u);
  EXPECT_EQ(copy.tscShift, -2);
  EXPECT_EQ(copy.flags, 1);
}

TEST(KvmclockTest, SnapshotGivesUpOnARecordThatStaysOdd) {
  PvclockTimeInfo record{};
  record.version = 3; // KVM in the middle of an update, forever
  PvclockTimeInfo copy{};
  EXPECT_FALSE(pvclockSnapshot(record, copy));
}

} // namespace
} // namespace afterburner::kvm
