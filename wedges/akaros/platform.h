// platform.h: the few real operations the Akaros wedge's logic needs, as function
// pointers, so the logic (console, devices, MSR policy) also runs hosted in the
// unit tests (tests/wedges/akaros) with fakes. The guest build fills them with the
// real instructions (akaros_wedge.cpp).
#ifndef AFTERBURNER_WEDGES_AKAROS_PLATFORM_H
#define AFTERBURNER_WEDGES_AKAROS_PLATFORM_H

#include <stdint.h>

namespace afterburner::akaros {

struct Platform {
  // An Akaros vmcall: rax = number, rdi = argument; returns rax.
  uint64_t (*hypercall)(uint64_t number, uint64_t argument);
  uint64_t (*readMsr)(uint32_t index);
  void (*writeMsr)(uint32_t index, uint64_t value);
  uint64_t (*readTimestamp)();
};

// x2APIC registers as MSRs (Akaros's guests run the APIC in x2APIC mode only).
constexpr uint32_t X2apicTaskPriority = 0x808;
constexpr uint32_t X2apicEndOfInterrupt = 0x80b;
constexpr uint32_t X2apicSpurious = 0x80f;
constexpr uint32_t X2apicTimerVector = 0x832;
constexpr uint32_t X2apicTimerInitialCount = 0x838;
constexpr uint32_t X2apicTimerDivide = 0x83e;
constexpr uint32_t X2apicTimerPeriodic = 1u << 17;
constexpr uint32_t X2apicMasked = 1u << 16;
constexpr uint32_t X2apicDivideByOne = 0xb;

} // namespace afterburner::akaros

#endif
