// page_walk.h: the kernel's own x86-64 page tables as the Xen wedge's software TLB reads
// them (mmu.cpp), the rule that turns one of the kernel's entries into the entry Xen
// installs, and the store of an annotated page-table write. Pure logic, header-only: the
// caller supplies the table reader and the p2m, so the rules are tested hosted
// (tests/wedges/xen/PageWalkTest.cpp).
#pragma once

#include <stdint.h>

namespace afterburner::xen {

constexpr uint64_t PagePresent = 1u << 0;
constexpr uint64_t PageWritable = 1u << 1;
constexpr uint64_t PageUser = 1u << 2;
constexpr uint64_t PageAccessed = 1u << 5;
constexpr uint64_t PageDirty = 1u << 6;
constexpr uint64_t PageLarge = 1u << 7;
constexpr uint64_t PageLargeAttributeTable = 1u << 12; // PAT of a 2 MiB / 1 GiB entry
constexpr uint64_t PageNoExecute = 1ull << 63;
constexpr uint64_t AddressMask = 0x000ffffffffff000ull;
constexpr unsigned PageTableLevels = 4;
constexpr unsigned EntriesPerTable = 512;

// The table at a pseudo-physical address, or nullptr when the wedge cannot read it.
using TableReader = const uint64_t *(*)(uint64_t physical);

// One walk of the kernel's tables for one virtual address.
struct KernelWalk {
  // The translation as a 4 KiB leaf entry (large pages split into the 4 KiB page that
  // holds the address), or 0 when the kernel does not map the address.
  uint64_t leaf = 0;
  // The pseudo-physical address of every entry the walk read, top level first.
  uint64_t entryAddresses[PageTableLevels] = {};
  unsigned entryCount = 0;
};

inline unsigned tableIndex(uint64_t address, unsigned level) {
  return unsigned(address >> (12 + 9 * (level - 1))) & (EntriesPerTable - 1);
}

// A 2 MiB or 1 GiB entry at level as the 4 KiB leaf that maps address.
inline uint64_t splitLargePage(uint64_t entry, uint64_t address, unsigned level) {
  const uint64_t size = 1ull << (12 + 9 * (level - 1));
  const uint64_t frame = (entry & AddressMask & ~(size - 1)) + (address & (size - 1));
  return (frame & AddressMask) | (entry & ~AddressMask & ~PageLarge & ~PageLargeAttributeTable);
}

// Walks the kernel's four levels from cr3 for address.
inline KernelWalk walkKernelTables(uint64_t cr3, uint64_t address, TableReader readTable) {
  KernelWalk walk;
  uint64_t tableAddress = cr3 & AddressMask;
  for (unsigned level = PageTableLevels; level >= 1; --level) {
    const uint64_t *table = readTable(tableAddress);
    if (!table)
      return walk;
    const unsigned index = tableIndex(address, level);
    walk.entryAddresses[walk.entryCount++] = tableAddress + index * sizeof(uint64_t);
    const uint64_t entry = table[index];
    if (!(entry & PagePresent))
      return walk;
    if (level == 1) {
      walk.leaf = entry;
      return walk;
    }
    if ((entry & PageLarge) && level <= 3) {
      walk.leaf = splitLargePage(entry, address, level);
      return walk;
    }
    tableAddress = entry & AddressMask;
  }
  return walk;
}

// True when the walk read the entry at entryAddress: the translation was derived from it,
// so a store into that entry may change it (a 4-byte store into either half counts).
inline bool walkReads(const KernelWalk &walk, uint64_t entryAddress) {
  for (unsigned index = 0; index < walk.entryCount; ++index) {
    if (walk.entryAddresses[index] == (entryAddress & ~uint64_t(7)))
      return true;
  }
  return false;
}

// The level-1 entry Xen should hold for the kernel's leaf entry: the frame translated
// through the p2m, the kernel's writable and no-execute bits, and present, user (a PV
// kernel runs in ring 3), accessed and dirty (nobody walks the kernel's tables to set
// them). 0 when the leaf is not present or names a frame the domain does not have.
inline uint64_t xenEntryFor(uint64_t kernelLeaf, const unsigned long *p2m, uint64_t pageCount) {
  const uint64_t pfn = (kernelLeaf & AddressMask) >> 12;
  if (!(kernelLeaf & PagePresent) || pfn >= pageCount)
    return 0;
  const uint64_t flags = (kernelLeaf & (PageWritable | PageNoExecute)) | PagePresent | PageUser |
                         PageAccessed | PageDirty;
  return uint64_t(p2m[pfn]) << 12 | flags;
}

// The annotated store itself: width (8 or 4) bytes of value at address, or, for an
// exchange, atomically swapped in; returns the previous value for an exchange, else 0.
inline uint64_t writeEntry(uint64_t address, uint64_t value, unsigned width, bool exchange) {
  if (width == 4) {
    auto *entry = (uint32_t *)(uintptr_t)address;
    if (exchange)
      return __atomic_exchange_n(entry, uint32_t(value), __ATOMIC_SEQ_CST);
    *(volatile uint32_t *)entry = uint32_t(value);
    return 0;
  }
  auto *entry = (uint64_t *)(uintptr_t)address;
  if (exchange)
    return __atomic_exchange_n(entry, value, __ATOMIC_SEQ_CST);
  *(volatile uint64_t *)entry = value;
  return 0;
}

} // namespace afterburner::xen
