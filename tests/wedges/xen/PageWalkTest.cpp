// Tests for wedges/xen/page_walk.cpp: walks of the kernel's tables and the Xen entry rule
// behind the software TLB and the annotated page-table writes (mmu.cpp).
#include "page_walk.h"

#include <gtest/gtest.h>

#include <map>

using namespace afterburner::xen;

namespace {

// Pseudo-physical memory of a few tables, each at its own page address.
std::map<uint64_t, uint64_t *> tablesByAddress;

const uint64_t *readTable(uint64_t physical) {
  auto found = tablesByAddress.find(physical);
  return found == tablesByAddress.end() ? nullptr : found->second;
}

constexpr uint64_t Pml4 = 0x1000, Pdpt = 0x2000, Pd = 0x3000, Pt = 0x4000;
constexpr uint64_t Table = PagePresent | PageWritable;
// Indices 0, 1, 2, 3 at levels 4, 3, 2, 1, and 0x123 bytes into the page.
constexpr uint64_t Address = (1ull << 30) + (2ull << 21) + (3ull << 12) + 0x123;

class PageWalk : public ::testing::Test {
protected:
  void SetUp() override {
    tablesByAddress = {{Pml4, pml4}, {Pdpt, pdpt}, {Pd, pd}, {Pt, pt}};
    pml4[0] = Pdpt | Table;
    pdpt[1] = Pd | Table;
    pd[2] = Pt | Table;
    pt[3] = 0x77000 | PagePresent | PageWritable;
  }
  uint64_t pml4[EntriesPerTable] = {}, pdpt[EntriesPerTable] = {}, pd[EntriesPerTable] = {},
           pt[EntriesPerTable] = {};
};

TEST_F(PageWalk, FourLevelsReadOneEntryEach) {
  const KernelWalk walk = walkKernelTables(Pml4 | 0x18 /* PCD|PWT */, Address, readTable);
  EXPECT_EQ(walk.leaf, 0x77000 | PagePresent | PageWritable);
  ASSERT_EQ(walk.entryCount, 4u);
  EXPECT_EQ(walk.entryAddresses[0], Pml4 + 0 * 8);
  EXPECT_EQ(walk.entryAddresses[1], Pdpt + 1 * 8);
  EXPECT_EQ(walk.entryAddresses[2], Pd + 2 * 8);
  EXPECT_EQ(walk.entryAddresses[3], Pt + 3 * 8);
  EXPECT_TRUE(walkReads(walk, Pt + 3 * 8));
  EXPECT_TRUE(walkReads(walk, Pt + 3 * 8 + 4)) << "a store into the entry's upper half";
  EXPECT_TRUE(walkReads(walk, Pdpt + 8));
  EXPECT_FALSE(walkReads(walk, Pt + 4 * 8)) << "the neighbouring entry maps another page";
}

TEST_F(PageWalk, LargePagesSplitIntoTheFourKilobytePage) {
  pd[2] = 0x40000000 | PagePresent | PageLarge | PageLargeAttributeTable | PageNoExecute;
  const KernelWalk walk = walkKernelTables(Pml4, Address, readTable);
  EXPECT_EQ(walk.leaf, (0x40000000 + (3u << 12)) | PagePresent | PageNoExecute);
  EXPECT_EQ(walk.entryCount, 3u);
  pdpt[1] = 0x80000000 | PagePresent | PageWritable | PageLarge; // 1 GiB
  const KernelWalk gigabyte = walkKernelTables(Pml4, Address, readTable);
  EXPECT_EQ(gigabyte.leaf, (0x80000000 + (2u << 21) + (3u << 12)) | PagePresent | PageWritable);
  EXPECT_EQ(gigabyte.entryCount, 2u);
}

// A walk that stops at a not-present entry still names it: storing a present value
// there changes the translation.
TEST_F(PageWalk, NotPresentEntriesEndTheWalkAndAreNamed) {
  pd[2] = 0;
  const KernelWalk walk = walkKernelTables(Pml4, Address, readTable);
  EXPECT_EQ(walk.leaf, 0u);
  EXPECT_EQ(walk.entryCount, 3u);
  EXPECT_TRUE(walkReads(walk, Pd + 2 * 8));
  EXPECT_FALSE(walkReads(walk, Pt + 3 * 8));
}

TEST_F(PageWalk, UnreadableTablesMapNothing) {
  tablesByAddress.erase(Pt);
  EXPECT_EQ(walkKernelTables(Pml4, Address, readTable).leaf, 0u);
  EXPECT_EQ(walkKernelTables(0x9000, Address, readTable).entryCount, 0u);
}

TEST(XenEntry, FrameThroughTheP2mAndOnlyValidatedFlags) {
  unsigned long p2m[0x80] = {};
  p2m[0x77] = 0x1234;
  const uint64_t cacheDisable = 1u << 4, global = 1u << 8;
  const uint64_t kernel =
      0x77000 | PagePresent | PageWritable | PageNoExecute | cacheDisable | global;
  EXPECT_EQ(xenEntryFor(kernel, p2m, 0x80), 0x1234000 | PagePresent | PageWritable | PageUser |
                                                PageAccessed | PageDirty | PageNoExecute);
  EXPECT_EQ(xenEntryFor(0x77000 | PagePresent, p2m, 0x80),
            0x1234000 | PagePresent | PageUser | PageAccessed | PageDirty)
      << "read-only stays read-only";
  EXPECT_EQ(xenEntryFor(0x77000 | PageWritable, p2m, 0x80), 0u) << "not present";
  EXPECT_EQ(xenEntryFor(0x80000 | PagePresent, p2m, 0x80), 0u) << "a frame the domain lacks";
}

// page_table_store / page_table_exchange: the store of the instruction, nothing more.
TEST(AnnotatedWrite, StoresAndExchangesEntriesOfTheirWidth) {
  uint64_t entry = 0x1111222233334444ull;
  const auto address = uint64_t(uintptr_t(&entry));
  EXPECT_EQ(writeEntry(address, 0x5000 | PagePresent, 8, false), 0u);
  EXPECT_EQ(entry, 0x5000 | PagePresent);
  EXPECT_EQ(writeEntry(address, 0, 8, true), 0x5000 | PagePresent) << "get and clear";
  EXPECT_EQ(entry, 0u);
  entry = 0xaaaaaaaabbbbbbbbull;
  EXPECT_EQ(writeEntry(address, 0x12345678, 4, false), 0u);
  EXPECT_EQ(entry, 0xaaaaaaaa12345678ull) << "a 4-byte store keeps the upper half";
  EXPECT_EQ(writeEntry(address, 0x9abcdef0ffffull, 4, true), 0x12345678u);
  EXPECT_EQ(entry, 0xaaaaaaaadef0ffffull);
}

} // namespace
