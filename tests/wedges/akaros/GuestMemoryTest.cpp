// GuestMemoryTest.cpp: identity coverage of the process's mappings
// (wedges/akaros/host/GuestMemory.cpp).
#include "GuestMemory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <memory>

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

// 4-level tables in ordinary memory (GPA == HVA): a 2 MiB page and a 4 KiB page.
TEST(GuestMemoryTest, TranslateWalksLargeAndSmallPages) {
  struct alignas(4096) Table {
    uint64_t entries[512];
  };
  auto tables = std::make_unique<Table[]>(4);
  for (int i = 0; i < 4; ++i)
    std::fill(std::begin(tables[i].entries), std::end(tables[i].entries), 0);
  auto address = [&](int i) { return reinterpret_cast<uint64_t>(&tables[i]); };
  tables[0].entries[0] = address(1) | 3;       // PML4[0] -> PDPT
  tables[1].entries[1] = address(2) | 3;       // PDPT[1] -> PD (1 GiB..2 GiB)
  tables[2].entries[0] = 0x40000000ull | 0x83; // PD[0]: 2 MiB page at 1 GiB
  tables[2].entries[1] = address(3) | 3;       // PD[1] -> PT
  tables[3].entries[5] = 0x12345000ull | 3;    // PT[5]: 4 KiB page
  uint64_t physical = 0;
  ASSERT_TRUE(GuestMemory::translate(address(0), 0x40012345, physical));
  EXPECT_EQ(physical, 0x40012345u);
  ASSERT_TRUE(GuestMemory::translate(address(0), 0x40205678, physical));
  EXPECT_EQ(physical, 0x12345678u);
  EXPECT_FALSE(GuestMemory::translate(address(0), 0x80000000, physical)) << "not present";
  EXPECT_FALSE(GuestMemory::translate(0x1000, 0x1000, physical)) << "a root nothing maps";
}

TEST(GuestMemoryTest, ReadPhysicalReportsUnmappedAddresses) {
  uint64_t value = 0x1122334455667788, copy = 0;
  EXPECT_TRUE(GuestMemory::readPhysical(reinterpret_cast<uint64_t>(&value), &copy, sizeof copy));
  EXPECT_EQ(copy, value);
  EXPECT_FALSE(GuestMemory::readPhysical(0x1000, &copy, sizeof copy));
}

} // namespace
} // namespace afterburner::akaros
