// kvmclock.h: pvclock arithmetic (KVM's per-vCPU time record, msr.rst
// MSR_KVM_SYSTEM_TIME_NEW). Pure: the TSC is passed in, so it runs hosted.
#ifndef AFTERBURNER_WEDGES_KVM_KVMCLOCK_H
#define AFTERBURNER_WEDGES_KVM_KVMCLOCK_H

#include <stdint.h>

namespace afterburner::kvm {

// The 32-byte record KVM keeps up to date at the registered guest-physical
// address. version is odd while KVM rewrites it.
struct PvclockTimeInfo {
  uint32_t version;
  uint32_t pad0;
  uint64_t tscTimestamp;
  uint64_t systemTime; // nanoseconds at tscTimestamp
  uint32_t tscToSystemMul;
  int8_t tscShift;
  uint8_t flags;
  uint8_t pad[2];
};
static_assert(sizeof(PvclockTimeInfo) == 32, "pvclock_vcpu_time_info is 32 bytes");

// Nanoseconds for a TSC delta: ((delta << shift) or (delta >> -shift)) * mul / 2^32.
uint64_t pvclockScaleDelta(uint64_t tscDelta, uint32_t multiplier, int8_t shift);

// The TSC frequency the record describes, in Hz (0 for an empty record).
uint64_t pvclockTscHertz(uint32_t multiplier, int8_t shift);

// A consistent copy of a record that KVM may be rewriting: retries while the
// version is odd or changed under the copy. False if it never settled.
bool pvclockSnapshot(const volatile PvclockTimeInfo &source, PvclockTimeInfo &copy);

// Guest time in nanoseconds at the given TSC value, from a settled copy.
uint64_t pvclockNanoseconds(const PvclockTimeInfo &info, uint64_t tsc);

} // namespace afterburner::kvm

#endif
