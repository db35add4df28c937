// KvmInterface.h: KVM ioctl numbers whose argument ends in a flexible array.
// <linux/kvm.h> encodes sizeof(struct) in the number, and g++ sizes those structs
// differently from C (kvm_cpuid2 is 12 bytes in C++, 8 in C), which makes the
// kernel answer EINVAL. These are the numbers as C computes them.
#ifndef AFTERBURNER_AKAROS_HOST_KVMINTERFACE_H
#define AFTERBURNER_AKAROS_HOST_KVMINTERFACE_H

#include <linux/ioctl.h>
#include <linux/kvm.h>

namespace afterburner::akaros::kvm {

constexpr unsigned kHeaderBytes = 8; // nent/nmsrs + padding, as in C
constexpr unsigned long kGetSupportedCpuid =
    _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, kHeaderBytes);
constexpr unsigned long kSetCpuid2 = _IOC(_IOC_WRITE, KVMIO, 0x90, kHeaderBytes);
constexpr unsigned long kSetMsrs = _IOC(_IOC_WRITE, KVMIO, 0x89, kHeaderBytes);
constexpr unsigned long kGetMsrs = _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x88, kHeaderBytes);

} // namespace afterburner::akaros::kvm

#endif
