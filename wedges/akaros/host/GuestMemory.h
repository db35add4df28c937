// GuestMemory.h: Akaros's "EPT == KPT" on KVM. Guest-physical == process-virtual:
// identity memslots over the process's own mappings below the physical-address
// limit (holes for the MMIO pages), and a host-built identity page table
// (Akaros's setup_paging) that the vthread's CR3 points at. 2 MiB pages: this
// machine's KVM has no 1 GiB guest pages (they triple-fault).
#ifndef AFTERBURNER_AKAROS_HOST_GUESTMEMORY_H
#define AFTERBURNER_AKAROS_HOST_GUESTMEMORY_H

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace afterburner::akaros {

struct AddressRange {
  uint64_t start = 0;
  uint64_t end = 0; // exclusive
};

// Parses /proc/<pid>/maps text into ranges (any line it cannot read is skipped).
std::vector<AddressRange> parseProcessMaps(const std::string &text);

// `ranges` clipped to [4 KiB, limit) with the `holes` pages cut out, merged and
// sorted. What the memslots of a VM must cover.
std::vector<AddressRange> identityCoverage(std::vector<AddressRange> ranges, uint64_t limit,
                                           const std::vector<uint64_t> &holes);

// The pages Akaros serves as MMIO rather than memory: page 0 (low4k), the IOAPIC
// and the xAPIC page.
std::vector<uint64_t> akarosMmioHoles();

// Memory below the limit that the host hands to guests (page tables, vthread
// stacks, the console ring): anonymous, zero-filled, mapped at a low address
// Linux would not choose by itself.
class LowArena {
public:
  LowArena(uint64_t limit, size_t bytes);
  ~LowArena();
  LowArena(const LowArena &) = delete;
  LowArena &operator=(const LowArena &) = delete;

  // Page-aligned, zeroed; aborts with a clear message when exhausted.
  void *allocate(size_t bytes);
  uint64_t base() const { return base_; }

private:
  uint64_t base_ = 0;
  size_t size_ = 0;
  size_t used_ = 0;
  std::mutex mutex_;
};

class GuestMemory {
public:
  GuestMemory(int vmDescriptor, unsigned physicalAddressBits);

  // Akaros's setup_paging + add_pte_entries: re-reads /proc/self/maps and adds
  // memslots and page-table entries for anything new below the limit.
  void synchronize();
  // add_pte_entries for one range (memslot and page tables).
  void mapRange(uint64_t start, uint64_t end);

  uint64_t pageTableRoot() const { return root_; }
  uint64_t limit() const { return limit_; }
  LowArena &arena() { return arena_; }
  size_t memslotCount() const { return nextSlot_; }

  // Guest-virtual to guest-physical through the 4-level tables at cr3 (which
  // are host memory, GPA == HVA). Returns false if not present.
  static bool translate(uint64_t cr3, uint64_t virtualAddress, uint64_t &physical);
  // Copies guest-physical memory; false where the process has nothing mapped.
  static bool readPhysical(uint64_t physical, void *out, size_t bytes);

private:
  void addMemslots(const AddressRange &range);
  void mapLargePages(uint64_t start, uint64_t end);
  uint64_t *tableAt(uint64_t *parent, unsigned index);

  int vm_;
  uint64_t limit_;
  LowArena arena_;
  uint64_t root_ = 0;
  unsigned nextSlot_ = 0;
  std::vector<AddressRange> covered_;
  std::mutex mutex_;
};

} // namespace afterburner::akaros

#endif
