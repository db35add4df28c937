// Tests for loader/site_sort.cpp: the run-merging sort and its in-place fallback,
// over orders a hostile or unusual table can have.
#include "site_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace afterburner::loader {
namespace {

// recordAddress carries the entry's original index, so a permutation is checkable.
std::vector<SiteEntry> entriesFor(const std::vector<uintptr_t> &addresses) {
  std::vector<SiteEntry> entries;
  for (size_t index = 0; index < addresses.size(); ++index)
    entries.push_back({addresses[index], index + 1});
  return entries;
}

// Sorts with scratchCapacity entries of scratch and checks the result is the input,
// ordered by address.
void expectSorted(const std::vector<uintptr_t> &addresses, size_t scratchCapacity,
                  const std::string &what) {
  std::vector<SiteEntry> entries = entriesFor(addresses);
  std::vector<SiteEntry> scratch(scratchCapacity + 1);
  sortSitesByAddress(entries.data(), entries.size(), scratchCapacity ? scratch.data() : nullptr,
                     scratchCapacity);
  for (size_t index = 1; index < entries.size(); ++index)
    ASSERT_LE(entries[index - 1].siteAddress, entries[index].siteAddress)
        << what << " scratch " << scratchCapacity << " at " << index;
  std::vector<bool> seen(addresses.size() + 1, false);
  for (const SiteEntry &entry : entries) {
    ASSERT_GE(entry.recordAddress, 1u) << what;
    ASSERT_LE(entry.recordAddress, addresses.size()) << what;
    ASSERT_FALSE(seen[entry.recordAddress]) << what << ": an entry was duplicated";
    seen[entry.recordAddress] = true;
    ASSERT_EQ(entry.siteAddress, addresses[entry.recordAddress - 1]) << what;
  }
}

// Every order below, with no scratch (heap sort), a little (merges until one does not
// fit, then heap sort), half the count (always enough) and plenty.
void expectSortedWithAnyScratch(const std::vector<uintptr_t> &addresses, const std::string &what) {
  for (size_t scratch : {size_t(0), size_t(1), size_t(3), addresses.size() / 4,
                         addresses.size() / 2, addresses.size()})
    expectSorted(addresses, scratch, what);
}

std::vector<uintptr_t> ascending(size_t count) {
  std::vector<uintptr_t> addresses;
  for (size_t index = 0; index < count; ++index)
    addresses.push_back(0x1000 + 16 * index);
  return addresses;
}

TEST(SiteSort, EmptyAndSingle) {
  expectSortedWithAnyScratch({}, "empty");
  expectSortedWithAnyScratch({0x10}, "single");
  expectSortedWithAnyScratch({0x20, 0x10}, "pair");
}

TEST(SiteSort, OrderedDescendingAndEqual) {
  for (size_t count : {2u, 3u, 17u, 1000u}) {
    std::vector<uintptr_t> addresses = ascending(count);
    expectSortedWithAnyScratch(addresses, "ascending");
    std::reverse(addresses.begin(), addresses.end());
    expectSortedWithAnyScratch(addresses, "descending");
    expectSortedWithAnyScratch(std::vector<uintptr_t>(count, 0x40), "all equal");
  }
}

// A kernel's layout: per object, its .text sites then its .init.text sites.
TEST(SiteSort, InterleavedTextAndInitRuns) {
  for (size_t perObject : {1u, 2u, 7u, 64u}) {
    std::vector<uintptr_t> addresses;
    for (size_t object = 0; object < 200; ++object) {
      for (size_t index = 0; index < perObject; ++index)
        addresses.push_back(0x100000 + 16 * (object * perObject + index));
      for (size_t index = 0; index < perObject / 2 + 1; ++index)
        addresses.push_back(0x900000 + 16 * (object * perObject + index));
    }
    expectSortedWithAnyScratch(addresses, "interleaved " + std::to_string(perObject));
  }
}

// Orders that defeat naive run merging: many short runs of shrinking or growing
// length, sawtooth, organ pipe, alternating pairs, and descending runs with ties.
TEST(SiteSort, HostileRunPatterns) {
  std::vector<uintptr_t> sawtooth, organ, alternating, shrinking, growing, ties;
  for (size_t index = 0; index < 3000; ++index) {
    sawtooth.push_back(index % 37);
    organ.push_back(index < 1500 ? index : 3000 - index);
    alternating.push_back(index % 2 ? index - 1 : index + 1);
    ties.push_back((3000 - index) / 3);
  }
  for (size_t length = 64, base = 0; length > 0; base += length, --length)
    for (size_t index = 0; index < length; ++index)
      shrinking.push_back(1000000 - base * 7 + index);
  for (size_t length = 1, base = 0; base < 3000; base += length, ++length)
    for (size_t index = 0; index < length; ++index)
      growing.push_back((base * 2654435761u) % 100000 + index);
  expectSortedWithAnyScratch(sawtooth, "sawtooth");
  expectSortedWithAnyScratch(organ, "organ pipe");
  expectSortedWithAnyScratch(alternating, "alternating pairs");
  expectSortedWithAnyScratch(shrinking, "shrinking runs");
  expectSortedWithAnyScratch(growing, "growing runs");
  expectSortedWithAnyScratch(ties, "descending with ties");
}

TEST(SiteSort, RandomOrders) {
  std::mt19937_64 random(4);
  for (size_t count : {5u, 100u, 4097u}) {
    for (int round = 0; round < 20; ++round) {
      std::vector<uintptr_t> addresses;
      for (size_t index = 0; index < count; ++index)
        addresses.push_back(random() % (round % 2 ? count / 4 + 1 : ~uint64_t(0)));
      expectSortedWithAnyScratch(addresses, "random " + std::to_string(count));
    }
  }
}

// Extremes of the address space compare as unsigned.
TEST(SiteSort, ExtremeAddresses) {
  expectSortedWithAnyScratch({~uintptr_t(0), 0, uintptr_t(1) << 63, 1, ~uintptr_t(0) - 1},
                             "extremes");
}

} // namespace
} // namespace afterburner::loader
