// cpuid_cache.h: answers cpuid from memory for leaves whose values cannot change
// while the guest runs, so only the first query of such a leaf exits to KVM.
// Leaves that report control state are cached too when that state can be read
// without an exit (mov from %cr4 and xgetbv do not exit under VMX/SVM): leaf 7's
// OSPKE bit is taken from CR4.PKE, leaf 0xd subleaf 0 is cached per XCR0 value.
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
  Dynamic,       // depends on the CPU asking or on state the wedge cannot read
                 // without an exit: always executed
};

// Dynamic: leaf 1 (initial APIC id), 0xb and 0x1f (x2APIC id), 0x8000001e (APIC id)
// and 0xd subleaf 1 (its size follows the IA32_XSS MSR).
LeafKind classifyLeaf(uint32_t leaf, uint32_t subleaf);

// CR4 and XCR0 as the guest has them, for the leaves that report them.
struct ControlState {
  uint64_t cr4;
  uint64_t xcr0;
};
constexpr uint64_t Cr4OsXsave = 1ull << 18;
constexpr uint64_t Cr4ProtectionKeys = 1ull << 22;
// Whether answering this leaf needs the ControlState (leaves 7 and 0xd).
bool needsControlState(uint32_t leaf);

class CpuidCache {
public:
  static constexpr unsigned Capacity = 48;

  // True, with the answer in result, when (leaf, subleaf) is cached. state matters
  // only where needsControlState(leaf).
  bool lookup(uint32_t leaf, uint32_t subleaf, const ControlState &state,
              CpuidResult &result) const;
  // Remembers the real instruction's answer if the leaf is cacheable and there is
  // room. Returns whether it was stored.
  bool remember(uint32_t leaf, uint32_t subleaf, const ControlState &state,
                const CpuidResult &result);
  unsigned size() const { return Count; }

private:
  struct Entry {
    uint32_t leaf;
    uint32_t subleaf;
    uint64_t stateKey; // XCR0 for leaf 0xd subleaf 0, else 0
    CpuidResult result;
  };
  static uint32_t keySubleaf(uint32_t leaf, uint32_t subleaf);
  static uint64_t stateKey(uint32_t leaf, uint32_t subleaf, const ControlState &state);
  const Entry *find(uint32_t leaf, uint32_t subleaf, const ControlState &state) const;

  Entry Entries[Capacity];
  unsigned Count;
};

} // namespace afterburner::kvm

#endif
