// GuestMemoryTest.cpp: identity coverage of the process's mappings
// (wedges/akaros/host/GuestMemory.cpp).
#include "GuestMemory.h"

#include <gtest/gtest.h>

namespace afterburner::akaros {
namespace {

TEST(GuestMemoryTest, ParsesProcessMaps) {
  auto ranges =
      parseProcessMaps("00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus-daemon\n"
                       "garbage line\n"
                       "7ffe1000-7ffe3000 r--p 00000000 00:00 0 [vvar]\n"
                       "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n"
                       "01000000-01100000 rw-p 00000000 00:00 0 [heap]\n");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].start, 0x400000u);
  EXPECT_EQ(ranges[0].end, 0x452000u);
  EXPECT_EQ(ranges[1].start, 0x1000000u);
}

TEST(GuestMemoryTest, CoverageClipsAtTheLimitAndCutsMmioHoles) {
  const uint64_t limit = 1ull << 46;
  auto covered = identityCoverage({{0x0, 0x200000},
                                   {0xfe000000, 0x100000000},
                                   {0x3ffffff00000, 0x400000100000},
                                   {0x7f0000000000, 0x7f0000100000}},
                                  limit, akarosMmioHoles());
  ASSERT_EQ(covered.size(), 5u);
  EXPECT_EQ(covered[0].start, 0x1000u) << "page 0 is Akaros's low4k";
  EXPECT_EQ(covered[1].end, 0xfec00000u);
  EXPECT_EQ(covered[2].start, 0xfec01000u);
  EXPECT_EQ(covered[2].end, 0xfee00000u);
  EXPECT_EQ(covered[3].start, 0xfee01000u);
  EXPECT_EQ(covered[4].end, limit) << "nothing at or above 2^46";
}

TEST(GuestMemoryTest, CoverageMergesAdjacentMappings) {
  auto covered = identityCoverage(
      {{0x400000, 0x401000}, {0x401000, 0x500000}, {0x600000, 0x601000}}, 1ull << 46, {});
  ASSERT_EQ(covered.size(), 2u);
  EXPECT_EQ(covered[0].end, 0x500000u);
}

} // namespace
} // namespace afterburner::akaros
