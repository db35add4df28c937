// kvm_interface.h: the numbers of KVM's paravirtual interface this wedge uses
// (Linux Documentation/virt/kvm/x86/cpuid.rst and msr.rst). Constants only.
#ifndef AFTERBURNER_WEDGES_KVM_KVM_INTERFACE_H
#define AFTERBURNER_WEDGES_KVM_KVM_INTERFACE_H

#include <stdint.h>

namespace afterburner::kvm {

// CPUID 0x40000000: eax = largest hypervisor leaf, ebx:ecx:edx = "KVMKVMKVM\0\0\0".
constexpr uint32_t SignatureLeaf = 0x40000000;
constexpr uint32_t FeaturesLeaf = 0x40000001;
constexpr uint32_t SignatureEbx = 0x4b4d564b; // "KVMK"
constexpr uint32_t SignatureEcx = 0x564b4d56; // "VMKV"
constexpr uint32_t SignatureEdx = 0x0000004d; // "M\0\0\0"

// CPUID 0x40000001.eax feature bits.
constexpr uint32_t FeatureClocksource = 1u << 0;
constexpr uint32_t FeatureNopIoDelay = 1u << 1;
constexpr uint32_t FeatureClocksource2 = 1u << 3;
constexpr uint32_t FeaturePvEoi = 1u << 6;
constexpr uint32_t FeaturePvUnhalt = 1u << 7;
constexpr uint32_t FeatureClocksourceStable = 1u << 24;

// kvmclock: write the guest-physical address of a pvclock_vcpu_time_info | enable.
constexpr uint32_t MsrSystemTimeNew = 0x4b564d01;
constexpr uint32_t MsrSystemTimeOld = 0x12;
constexpr uint64_t SystemTimeEnable = 1;

// Legacy I/O ports the wedge models or filters.
constexpr uint16_t PortIoDelay = 0x80;

} // namespace afterburner::kvm

#endif
