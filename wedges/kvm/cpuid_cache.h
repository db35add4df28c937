// cpuid_cache.h: answers cpuid from memory for leaves whose values cannot change
// while the guest runs, so only the first query of such a leaf exits to KVM.
// Pure logic: the caller executes the real instruction on a miss.
#ifndef AFTERBURNER_WEDGES_KVM_CPUID_CACHE_H
#define AFTERBURNER_WEDGES_KVM_CPUID_CACHE_H

#include <stdint.h>

namespace afterburner::kvm {

struct CpuidResult {
  uint32_t eax;
  uint32_t ebx;
  uint32_t ecx;
  uint32_t edx;
};

enum class LeafKind : uint8_t {
  Static,        // one answer for the whole run; the subleaf (ecx) is ignored
  StaticIndexed, // one answer per subleaf
  Dynamic,       // depends on the CPU asking or on CR4/XCR0: always executed
};

// Dynamic leaves: 1 (initial APIC id, OSXSAVE), 7 (OSPKE follows CR4.PKE),
// 0xb/0x1f (x2APIC id), 0xd (sizes follow XCR0/XSS), 0x8000001e (APIC id).
LeafKind classifyLeaf(uint32_t leaf);

class CpuidCache {
public:
  static constexpr unsigned Capacity = 48;

  // True, with the answer in result, when (leaf, subleaf) is cached.
  bool lookup(uint32_t leaf, uint32_t subleaf, CpuidResult &result) const;
  // Remembers the real instruction's answer if the leaf is cacheable and there is
  // room. Returns whether it was stored.
  bool remember(uint32_t leaf, uint32_t subleaf, const CpuidResult &result);
  unsigned size() const { return Count; }

private:
  struct Entry {
    uint32_t leaf;
    uint32_t subleaf;
    CpuidResult result;
  };
  static uint32_t keySubleaf(uint32_t leaf, uint32_t subleaf);

  Entry Entries[Capacity];
  unsigned Count;
};

} // namespace afterburner::kvm

#endif
