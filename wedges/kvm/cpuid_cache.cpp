// cpuid_cache.cpp: which cpuid leaves may be cached, and the cache itself.
#include "cpuid_cache.h"

namespace afterburner::kvm {

namespace {

constexpr uint32_t ExtendedFeaturesLeaf = 0x7;
constexpr uint32_t ExtendedStateLeaf = 0xd;
constexpr uint32_t OsPkeBit = 1u << 4; // leaf 7 subleaf 0, ecx

bool isDynamicLeaf(uint32_t leaf, uint32_t subleaf) {
  switch (leaf) {
  case 0x1:        // ebx[31:24] initial APIC id
  case 0xb:        // edx x2APIC id
  case 0x1f:       // edx x2APIC id
  case 0x8000001e: // eax extended APIC id
    return true;
  case ExtendedStateLeaf: // subleaf 1 ebx: XSAVES area size for XCR0 | IA32_XSS
    return subleaf == 1;
  default:
    return false;
  }
}

// Leaves whose answer depends on ecx (Intel SDM and AMD APM "sub-leaf" leaves).
bool isIndexedLeaf(uint32_t leaf) {
  switch (leaf) {
  case 0x4:
  case ExtendedFeaturesLeaf:
  case ExtendedStateLeaf:
  case 0xf:
  case 0x10:
  case 0x12:
  case 0x14:
  case 0x17:
  case 0x18:
  case 0x1d:
  case 0x1e:
  case 0x20:
  case 0x23:
  case 0x24:
  case 0x8000001d:
  case 0x80000020:
  case 0x80000026:
    return true;
  default:
    return false;
  }
}

} // namespace

LeafKind classifyLeaf(uint32_t leaf, uint32_t subleaf) {
  if (isDynamicLeaf(leaf, subleaf))
    return LeafKind::Dynamic;
  if (isIndexedLeaf(leaf))
    return LeafKind::StaticIndexed;
  return LeafKind::Static;
}

bool needsControlState(uint32_t leaf) {
  return leaf == ExtendedFeaturesLeaf || leaf == ExtendedStateLeaf;
}

uint32_t CpuidCache::keySubleaf(uint32_t leaf, uint32_t subleaf) {
  // Non-indexed leaves ignore ecx, so every ecx value shares one entry.
  return classifyLeaf(leaf, subleaf) == LeafKind::StaticIndexed ? subleaf : 0;
}

uint64_t CpuidCache::stateKey(uint32_t leaf, uint32_t subleaf, const ControlState &state) {
  // Subleaf 0 of leaf 0xd gives the XSAVE area size for the XCR0 now in force.
  return leaf == ExtendedStateLeaf && subleaf == 0 ? state.xcr0 : 0;
}

const CpuidCache::Entry *CpuidCache::find(uint32_t leaf, uint32_t subleaf,
                                          const ControlState &state) const {
  const uint32_t key = keySubleaf(leaf, subleaf);
  const uint64_t stateValue = stateKey(leaf, subleaf, state);
  for (unsigned index = 0; index < Count; ++index) {
    const Entry &entry = Entries[index];
    if (entry.leaf == leaf && entry.subleaf == key && entry.stateKey == stateValue)
      return &entry;
  }
  return nullptr;
}

bool CpuidCache::lookup(uint32_t leaf, uint32_t subleaf, const ControlState &state,
                        CpuidResult &result) const {
  if (classifyLeaf(leaf, subleaf) == LeafKind::Dynamic)
    return false;
  const Entry *entry = find(leaf, subleaf, state);
  if (!entry)
    return false;
  result = entry->result;
  if (leaf == ExtendedFeaturesLeaf && subleaf == 0) // OSPKE mirrors CR4.PKE
    result.ecx = (result.ecx & ~OsPkeBit) | ((state.cr4 & Cr4ProtectionKeys) ? OsPkeBit : 0);
  return true;
}

bool CpuidCache::remember(uint32_t leaf, uint32_t subleaf, const ControlState &state,
                          const CpuidResult &result) {
  if (classifyLeaf(leaf, subleaf) == LeafKind::Dynamic || Count == Capacity)
    return false;
  if (find(leaf, subleaf, state))
    return false;
  Entries[Count] = Entry{leaf, keySubleaf(leaf, subleaf), stateKey(leaf, subleaf, state), result};
  ++Count;
  return true;
}

} // namespace afterburner::kvm
