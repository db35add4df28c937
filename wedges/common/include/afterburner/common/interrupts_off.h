// interrupts_off.h: a scope in which a wedge's own code runs with interrupts masked.
#pragma once

#include <stdint.h>

namespace afterburner::common {

// A wedge's device state is not reentrant: a handler runs with interrupts off, so an
// interrupt handler's own port I/O (an EOI) never lands in the middle of it. The
// pushf/cli/sti here are native instructions: wedges are assembled without sites.
// Only for wedges that run in ring 0 (KVM, Akaros Ring V); a Xen PV wedge masks events
// through vcpu_info instead.
class InterruptsOff {
public:
  InterruptsOff() { asm volatile("pushfq; popq %0; cli" : "=r"(saved)::"memory"); }
  ~InterruptsOff() {
    if (saved & InterruptFlag)
      asm volatile("sti" ::: "memory");
  }
  InterruptsOff(const InterruptsOff &) = delete;
  InterruptsOff &operator=(const InterruptsOff &) = delete;

private:
  static constexpr uint64_t InterruptFlag = 1u << 9;
  uint64_t saved;
};

} // namespace afterburner::common
