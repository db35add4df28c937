// CpuidTable.h: the CPUID answers Akaros's kernel gives a guest pcore
// (kern/arch/x86/trap.c), computed from what KVM supports.
#ifndef AFTERBURNER_AKAROS_HOST_CPUIDTABLE_H
#define AFTERBURNER_AKAROS_HOST_CPUIDTABLE_H

#include <linux/kvm.h>

#include <cstdint>
#include <vector>

namespace afterburner::akaros {

struct CpuidConfiguration {
  unsigned vthreadId = 0;       // the APIC id Akaros reports: the guest pcore id
  unsigned guestPcoreCount = 1; // nr_gpcs, in leaf 1 and leaf 0xB
  unsigned physicalAddressBits = 46;
  unsigned tunnelPort = 0; // 0: no tunnel leaf (as on real Akaros)
};

// Akaros's table: hypervisor bit, MONITOR/VMX/PDCM hidden, TSC_ADJUST and perfmon
// hidden, "KVMKVMKVM" and "AKAROSINSIDE" with eax 0, the APIC id = vthread id.
std::vector<kvm_cpuid_entry2> buildAkarosCpuid(const std::vector<kvm_cpuid_entry2> &supported,
                                               const CpuidConfiguration &configuration);

// The entry for (function, index) in a table, or nullptr.
const kvm_cpuid_entry2 *findCpuid(const std::vector<kvm_cpuid_entry2> &table, uint32_t function,
                                  uint32_t index = 0);

} // namespace afterburner::akaros

#endif
