// cpuid_cache.cpp: which cpuid leaves may be cached, and the cache itself.
#include "cpuid_cache.h"

namespace afterburner::kvm {

namespace {

bool isDynamicLeaf(uint32_t leaf) {
  switch (leaf) {
  case 0x1:        // ebx[31:24] initial APIC id, ecx[27] OSXSAVE
  case 0x7:        // ecx[4] OSPKE
  case 0xb:        // edx x2APIC id
  case 0xd:        // ebx: XSAVE area size for the current XCR0 / XSS
  case 0x1f:       // edx x2APIC id
  case 0x8000001e: // eax extended APIC id
    return true;
  default:
    return false;
  }
}

// Leaves whose answer depends on ecx (Intel SDM and AMD APM "sub-leaf" leaves).
bool isIndexedLeaf(uint32_t leaf) {
  switch (leaf) {
  case 0x4:
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

LeafKind classifyLeaf(uint32_t leaf) {
  if (isDynamicLeaf(leaf))
    return LeafKind::Dynamic;
  if (isIndexedLeaf(leaf))
    return LeafKind::StaticIndexed;
  return LeafKind::Static;
}

uint32_t CpuidCache::keySubleaf(uint32_t leaf, uint32_t subleaf) {
  // Non-indexed leaves ignore ecx, so every ecx value shares one entry.
  return classifyLeaf(leaf) == LeafKind::StaticIndexed ? subleaf : 0;
}

bool CpuidCache::lookup(uint32_t leaf, uint32_t subleaf, CpuidResult &result) const {
  if (classifyLeaf(leaf) == LeafKind::Dynamic)
    return false;
  const uint32_t key = keySubleaf(leaf, subleaf);
  for (unsigned index = 0; index < Count; ++index) {
    if (Entries[index].leaf == leaf && Entries[index].subleaf == key) {
      result = Entries[index].result;
      return true;
    }
  }
  return false;
}

bool CpuidCache::remember(uint32_t leaf, uint32_t subleaf, const CpuidResult &result) {
  if (classifyLeaf(leaf) == LeafKind::Dynamic || Count == Capacity)
    return false;
  CpuidResult existing;
  if (lookup(leaf, subleaf, existing))
    return false;
  Entries[Count] = Entry{leaf, keySubleaf(leaf, subleaf), result};
  ++Count;
  return true;
}

} // namespace afterburner::kvm
