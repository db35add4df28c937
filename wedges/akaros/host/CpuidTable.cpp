// CpuidTable.cpp: see CpuidTable.h.
#include "CpuidTable.h"

#include "akaros_abi.h"

#include <algorithm>

namespace afterburner::akaros {
namespace {

constexpr uint32_t kLeafFeatures = 1;
constexpr uint32_t kLeafExtendedFeatures = 7;
constexpr uint32_t kLeafPerformanceMonitoring = 0xa;
constexpr uint32_t kLeafTopology = 0xb;
constexpr uint32_t kLeafAddressSizes = 0x80000008;

constexpr uint32_t kEcxMonitor = 1u << 3;
constexpr uint32_t kEcxVmx = 1u << 5;
constexpr uint32_t kEcxPdcm = 1u << 15;
constexpr uint32_t kEcxX2apic = 1u << 21;
constexpr uint32_t kEcxTscDeadline = 1u << 24;
constexpr uint32_t kEcxHypervisor = 1u << 31;
constexpr uint32_t kEbxTscAdjust = 1u << 1;

bool isHypervisorLeaf(uint32_t function) {
  return (function & 0xf0000000u) == 0x40000000u;
}

kvm_cpuid_entry2 makeEntry(uint32_t function, uint32_t index, uint32_t eax, uint32_t ebx,
                           uint32_t ecx, uint32_t edx) {
  kvm_cpuid_entry2 entry{};
  entry.function = function;
  entry.index = index;
  entry.eax = eax;
  entry.ebx = ebx;
  entry.ecx = ecx;
  entry.edx = edx;
  return entry;
}

unsigned log2RoundedUp(unsigned value) {
  unsigned bits = 0;
  while ((1u << bits) < value)
    ++bits;
  return bits;
}

void editFeatures(kvm_cpuid_entry2 &entry, const CpuidConfiguration &configuration) {
  entry.ecx |= kEcxHypervisor | kEcxX2apic;
  // Akaros hides these; TSC-deadline is hidden too because Akaros's TSC_DEADLINE
  // MSR is a no-op ("fakewrite"): a guest trusting the bit would never get a timer.
  entry.ecx &= ~(kEcxMonitor | kEcxVmx | kEcxPdcm | kEcxTscDeadline);
  entry.ebx &= 0x0000ffffu;
  entry.ebx |= (configuration.vthreadId & 0xffu) << 24;
  entry.ebx |= (configuration.guestPcoreCount & 0xffu) << 16;
}

// Leaf 0xB as Akaros's user VMM answers it (user/vmm/vmexit.c): one thread per
// core, nr_gpcs cores, x2APIC id = guest pcore id.
void addTopology(std::vector<kvm_cpuid_entry2> &table, const CpuidConfiguration &configuration) {
  const uint32_t id = configuration.vthreadId;
  auto smt = makeEntry(kLeafTopology, 0, 0, 1, 0x100, id);
  auto core = makeEntry(kLeafTopology, 1, log2RoundedUp(configuration.guestPcoreCount),
                        configuration.guestPcoreCount, 0x201, id);
  auto end = makeEntry(kLeafTopology, 2, 0, 0, 2, id);
  for (auto *entry : {&smt, &core, &end}) {
    entry->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
    table.push_back(*entry);
  }
}

void addHypervisorLeaves(std::vector<kvm_cpuid_entry2> &table,
                         const CpuidConfiguration &configuration) {
  // "KVMKVMKVM\0\0\0" with eax 0, exactly as Akaros's kernel answers.
  table.push_back(makeEntry(AKAROS_CPUID_KVM_LEAF, 0, 0, 0x4b4d564b, 0x564b4d56, 0x4d));
  // Akaros passes 0x40000001 through from the host; on bare metal that is junk,
  // so the stand-in reports no KVM features at all.
  table.push_back(makeEntry(AKAROS_CPUID_KVM_LEAF + 1, 0, 0, 0, 0, 0));
  table.push_back(makeEntry(AKAROS_CPUID_AKAROS_LEAF, 0, 0, AKAROS_SIGNATURE_EBX,
                            AKAROS_SIGNATURE_ECX, AKAROS_SIGNATURE_EDX));
  if (configuration.tunnelPort != 0)
    table.push_back(makeEntry(AKAROS_CPUID_TUNNEL_LEAF, 0, configuration.tunnelPort,
                              AKAROS_TUNNEL_SIGNATURE_EBX, AKAROS_TUNNEL_SIGNATURE_ECX,
                              AKAROS_TUNNEL_SIGNATURE_EDX));
}

} // namespace

std::vector<kvm_cpuid_entry2> buildAkarosCpuid(const std::vector<kvm_cpuid_entry2> &supported,
                                               const CpuidConfiguration &configuration) {
  std::vector<kvm_cpuid_entry2> table;
  for (kvm_cpuid_entry2 entry : supported) {
    if (isHypervisorLeaf(entry.function) || entry.function == kLeafTopology)
      continue;
    if (entry.function == kLeafFeatures)
      editFeatures(entry, configuration);
    if (entry.function == kLeafExtendedFeatures && entry.index == 0)
      entry.ebx &= ~kEbxTscAdjust;
    if (entry.function == kLeafPerformanceMonitoring)
      entry.eax = entry.ebx = entry.ecx = entry.edx = 0;
    if (entry.function == kLeafAddressSizes)
      entry.eax = (entry.eax & ~0xffu) | (configuration.physicalAddressBits & 0xffu);
    table.push_back(entry);
  }
  addTopology(table, configuration);
  addHypervisorLeaves(table, configuration);
  return table;
}

const kvm_cpuid_entry2 *findCpuid(const std::vector<kvm_cpuid_entry2> &table, uint32_t function,
                                  uint32_t index) {
  auto match = std::find_if(table.begin(), table.end(), [&](const kvm_cpuid_entry2 &entry) {
    return entry.function == function && entry.index == index;
  });
  return match == table.end() ? nullptr : &*match;
}

} // namespace afterburner::akaros
