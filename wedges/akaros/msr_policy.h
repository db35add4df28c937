// msr_policy.h: which MSR accesses the Akaros wedge lets through. On Akaros an MSR
// outside its small table gets #GP injected, which a kernel without a handler for
// it (or a vthread without an IDT) does not survive; so the wedge runs natively only
// the MSRs Akaros passes through or emulates, and absorbs the rest.
#ifndef AFTERBURNER_WEDGES_AKAROS_MSR_POLICY_H
#define AFTERBURNER_WEDGES_AKAROS_MSR_POLICY_H

#include <stdint.h>

namespace afterburner::akaros {

enum class MsrDecision : uint8_t {
  Native,    // Akaros passes it through or emulates it
  ApicBase,  // reads show the APIC as disabled: the kernel keeps its hands off the
             // x2APIC the wedge uses for the timer (and never touches xAPIC MMIO,
             // which Akaros does not emulate); writes are dropped
  TimeStamp, // IA32_TIME_STAMP_COUNTER: reads are rdtsc, writes dropped
  Absorb,    // reads 0, writes dropped
};

MsrDecision decideMsr(uint32_t index);

// What an APICBASE read returns to the kernel, given the real value.
uint64_t apicBaseAsSeen(uint64_t real);

} // namespace afterburner::akaros

#endif
