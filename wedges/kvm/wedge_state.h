// wedge_state.h: the KVM wedge's run-time state, set up by init() (kvm_wedge.cpp)
// and used by the site handlers (entries.cpp). One vCPU: the samples are
// uniprocessor, and per-CPU state would live behind %gs in an SMP kernel.
#ifndef AFTERBURNER_WEDGES_KVM_WEDGE_STATE_H
#define AFTERBURNER_WEDGES_KVM_WEDGE_STATE_H

#include "cpuid_cache.h"
#include "port_router.h"

namespace afterburner::kvm {

PortRouter &portRouter();
CpuidCache &cpuidCache();
// Sets up kvmclock and the virtio console once, before the first port access.
void startDevices();

} // namespace afterburner::kvm

#endif
