// GuestMemory.cpp: see GuestMemory.h.
#include "GuestMemory.h"

#include "Failure.h"

#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <fstream>
#include <sstream>

namespace afterburner::akaros {
namespace {

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kLargePageSize = 2ull << 20;
constexpr uint64_t kPresent = 1, kWritable = 2, kAccessed = 0x20, kDirty = 0x40, kLarge = 0x80;
constexpr uint64_t kAddressMask = 0x000ffffffffff000ull;
// KVM's memslot size limit on this machine: 2^31 - 1 pages.
constexpr uint64_t kMaximumSlotBytes = ((1ull << 31) - 1) * kPageSize;
// Akaros puts its page-table root at 4 GiB (PAGE_TABLE_ROOT_START). The arena
// (page tables, stacks, the console ring and the kernel's block) goes at 2 GiB
// first: a kernel that switches to its own page tables typically identity-maps
// only the low 4 GiB, and must still reach the ring afterwards.
constexpr uint64_t kArenaHints[] = {2ull << 30, 4ull << 30, 8ull << 30, 16ull << 30};

uint64_t roundDown(uint64_t value, uint64_t unit) {
  return value & ~(unit - 1);
}
uint64_t roundUp(uint64_t value, uint64_t unit) {
  return (value + unit - 1) & ~(unit - 1);
}

std::vector<AddressRange> cutHoles(const AddressRange &range, const std::vector<uint64_t> &holes) {
  std::vector<AddressRange> pieces{range};
  for (uint64_t hole : holes) {
    std::vector<AddressRange> next;
    for (const AddressRange &piece : pieces) {
      if (hole + kPageSize <= piece.start || hole >= piece.end) {
        next.push_back(piece);
        continue;
      }
      if (piece.start < hole)
        next.push_back({piece.start, hole});
      if (hole + kPageSize < piece.end)
        next.push_back({hole + kPageSize, piece.end});
    }
    pieces = next;
  }
  return pieces;
}

std::vector<AddressRange> mergeRanges(std::vector<AddressRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const AddressRange &a, const AddressRange &b) { return a.start < b.start; });
  std::vector<AddressRange> merged;
  for (const AddressRange &range : ranges) {
    if (!merged.empty() && range.start <= merged.back().end)
      merged.back().end = std::max(merged.back().end, range.end);
    else
      merged.push_back(range);
  }
  return merged;
}

// The parts of `range` no range in `covered` (sorted, disjoint) contains.
std::vector<AddressRange> uncoveredParts(const AddressRange &range,
                                         const std::vector<AddressRange> &covered) {
  std::vector<AddressRange> parts;
  uint64_t cursor = range.start;
  for (const AddressRange &done : covered) {
    if (done.end <= cursor || done.start >= range.end)
      continue;
    if (done.start > cursor)
      parts.push_back({cursor, done.start});
    cursor = std::max(cursor, done.end);
  }
  if (cursor < range.end)
    parts.push_back({cursor, range.end});
  return parts;
}

std::string readProcessMaps() {
  std::ifstream file("/proc/self/maps");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

} // namespace

std::vector<AddressRange> parseProcessMaps(const std::string &text) {
  std::vector<AddressRange> ranges;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    uint64_t start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64, &start, &end) != 2 || end <= start)
      continue;
    if (line.find("[vsyscall]") != std::string::npos || line.find("[vvar") != std::string::npos)
      continue;
    ranges.push_back({start, end});
  }
  return ranges;
}

std::vector<AddressRange> identityCoverage(std::vector<AddressRange> ranges, uint64_t limit,
                                           const std::vector<uint64_t> &holes) {
  std::vector<AddressRange> clipped;
  for (AddressRange range : ranges) {
    range.start = std::max(range.start, kPageSize);
    range.end = std::min(range.end, limit);
    if (range.start >= range.end)
      continue;
    for (const AddressRange &piece : cutHoles(range, holes))
      clipped.push_back(piece);
  }
  return mergeRanges(clipped);
}

std::vector<uint64_t> akarosMmioHoles() {
  return {0, 0xfec00000, 0xfee00000};
}

LowArena::LowArena(uint64_t limit, size_t bytes) : size_(bytes) {
  for (uint64_t hint : kArenaHints) {
    if (hint + bytes > limit)
      continue;
    void *at = mmap(reinterpret_cast<void *>(hint), bytes, PROT_READ | PROT_WRITE | PROT_EXEC,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (at == reinterpret_cast<void *>(hint)) {
      base_ = hint;
      return;
    }
    if (at != MAP_FAILED)
      munmap(at, bytes);
  }
  failStop("vthread host: cannot map %zu bytes of guest memory below the physical limit 0x%" PRIx64,
           bytes, limit);
}

LowArena::~LowArena() {
  munmap(reinterpret_cast<void *>(base_), size_);
}

void *LowArena::allocate(size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  bytes = roundUp(bytes, kPageSize);
  if (used_ + bytes > size_)
    failStop("vthread host: guest memory arena exhausted (%zu of %zu bytes used)", used_, size_);
  void *memory = reinterpret_cast<void *>(base_ + used_);
  used_ += bytes;
  return memory;
}

GuestMemory::GuestMemory(int vmDescriptor, unsigned physicalAddressBits)
    : vm_(vmDescriptor), limit_(1ull << physicalAddressBits), arena_(limit_, 256ull << 20) {
  root_ = reinterpret_cast<uint64_t>(arena_.allocate(kPageSize));
  // The MMIO pages are guest-physical addresses the VMM serves: mapped, no memslot.
  for (uint64_t hole : akarosMmioHoles())
    mapLargePages(hole, hole + kPageSize);
}

void GuestMemory::synchronize() {
  for (const AddressRange &range : parseProcessMaps(readProcessMaps()))
    mapRange(range.start, range.end);
}

void GuestMemory::mapRange(uint64_t start, uint64_t end) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const AddressRange &range : identityCoverage(
           {{roundDown(start, kPageSize), roundUp(end, kPageSize)}}, limit_, akarosMmioHoles())) {
    for (const AddressRange &part : uncoveredParts(range, covered_)) {
      addMemslots(part);
      mapLargePages(part.start, part.end);
      covered_.push_back(part);
    }
    covered_ = mergeRanges(covered_);
  }
}

void GuestMemory::addMemslots(const AddressRange &range) {
  for (uint64_t at = range.start; at < range.end;) {
    uint64_t size = std::min(range.end - at, kMaximumSlotBytes);
    kvm_userspace_memory_region region{};
    region.slot = nextSlot_;
    region.guest_phys_addr = at;
    region.memory_size = size;
    region.userspace_addr = at;
    if (ioctl(vm_, KVM_SET_USER_MEMORY_REGION, &region) != 0)
      failStop("vthread host: KVM_SET_USER_MEMORY_REGION slot %u [0x%" PRIx64 ", 0x%" PRIx64
               "): %s",
               nextSlot_, at, at + size, std::strerror(errno));
    ++nextSlot_;
    at += size;
  }
}

uint64_t *GuestMemory::tableAt(uint64_t *parent, unsigned index) {
  if (!(parent[index] & kPresent)) {
    auto *table = static_cast<uint64_t *>(arena_.allocate(kPageSize));
    parent[index] = reinterpret_cast<uint64_t>(table) | kPresent | kWritable | kAccessed;
  }
  return reinterpret_cast<uint64_t *>(parent[index] & kAddressMask);
}

// Supervisor, writable, executable identity entries, as Akaros's PTE_KERN_RW|PTE_PS
// (but 2 MiB, not 1 GiB). A 2 MiB page that only partly overlaps a mapping is
// mapped whole: the rest has no memslot and behaves as Akaros's unbacked GPAs.
void GuestMemory::mapLargePages(uint64_t start, uint64_t end) {
  auto *pml4 = reinterpret_cast<uint64_t *>(root_);
  for (uint64_t page = roundDown(start, kLargePageSize); page < end; page += kLargePageSize) {
    uint64_t *pdpt = tableAt(pml4, (page >> 39) & 511);
    uint64_t *pd = tableAt(pdpt, (page >> 30) & 511);
    uint64_t &entry = pd[(page >> 21) & 511];
    if (!(entry & kPresent))
      entry = page | kPresent | kWritable | kAccessed | kDirty | kLarge;
  }
}

// Guest-physical == process-virtual, but a guest may point anywhere: reads go
// through process_vm_readv, which reports a bad address instead of faulting.
bool GuestMemory::readPhysical(uint64_t physical, void *out, size_t bytes) {
  iovec local{out, bytes};
  iovec remote{reinterpret_cast<void *>(physical), bytes};
  return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == static_cast<ssize_t>(bytes);
}

bool GuestMemory::translate(uint64_t cr3, uint64_t virtualAddress, uint64_t &physical) {
  uint64_t table = cr3 & kAddressMask;
  for (int level = 3; level >= 0; --level) {
    unsigned index = (virtualAddress >> (12 + 9 * level)) & 511;
    uint64_t entry = 0;
    if (!readPhysical(table + index * sizeof entry, &entry, sizeof entry))
      return false;
    if (!(entry & kPresent))
      return false;
    if (level == 0 || (level <= 2 && (entry & kLarge))) {
      uint64_t pageMask = (1ull << (12 + 9 * level)) - 1;
      physical = (entry & kAddressMask & ~pageMask) | (virtualAddress & pageMask);
      return true;
    }
    table = entry & kAddressMask;
  }
  return false;
}

} // namespace afterburner::akaros
