// time.cpp: Xen's clock and timer behind the kernel's PIT. Xen system time (ns since
// boot) comes from vcpu_time_info and the TSC; the PIT model (wedges/common) derives its
// counters from it, so the kernel's TSC calibration against the PIT measures Xen's clock.
// Channel 0 becomes a chain of Xen single-shot timers, whose VIRQ_TIMER events
// raise IRQ 0 on the 8259 model.
#include "hypercall.h"
#include "xen_wedge_internal.h"

#include "../common/pit_pic_model.h"

namespace afterburner::xen {
namespace {

using wedge::PitModel;

PitModel pit;
bool timerArmed = false;
uint64_t period = 0;       // ns between ticks; 0 for a one-shot count
uint64_t nextDeadline = 0; // Xen system time of the next tick

uint64_t readTsc() {
  uint32_t low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return uint64_t(high) << 32 | low;
}

// system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32, read under the version
// protocol (odd: Xen is updating).
uint64_t scaledTime(const volatile vcpu_time_info &time) {
  for (;;) {
    const uint32_t version = time.version;
    asm volatile("" ::: "memory");
    uint64_t delta = readTsc() - time.tsc_timestamp;
    const int8_t shift = time.tsc_shift;
    delta = shift >= 0 ? delta << shift : delta >> -shift;
    const uint64_t scaled = uint64_t((unsigned __int128)delta * time.tsc_to_system_mul >> 32);
    const uint64_t result = time.system_time + scaled;
    asm volatile("" ::: "memory");
    if (!(version & 1) && version == time.version)
      return result;
  }
}

} // namespace

uint64_t systemTimeNs() {
  return scaledTime(vcpu()->time);
}

void timerInitialize() {
  // Xen starts PV vCPUs with a 10 ms periodic timer; the kernel's PIT decides instead.
  vcpuOp(VCPUOP_stop_periodic_timer, 0, nullptr);
}

// Xen's periodic timer only runs while the vCPU does (it is stopped while the vCPU is
// blocked in hlt), so the PIT's rate generator is a chain of single-shot timers on
// absolute deadlines: no drift, and a blocked kernel still wakes up.
namespace {
void armDeadline(uint64_t deadline) {
  vcpu_set_singleshot_timer_t single{deadline, 0};
  vcpuOp(VCPUOP_set_singleshot_timer, 0, &single);
}
} // namespace

void timerReprogram() {
  const wedge::PitTimerRequest request = pit.channel0Timer();
  vcpuOp(VCPUOP_stop_singleshot_timer, 0, nullptr);
  timerArmed = false;
  if (!request.running)
    return;
  period = request.periodic ? request.periodNs : 0;
  nextDeadline = systemTimeNs() + request.periodNs;
  timerArmed = true;
  armDeadline(nextDeadline);
}

void timerExpired() {
  if (!timerArmed)
    return; // Xen's own timer events before the kernel programmed the PIT
  const uint64_t now = systemTimeNs();
  if (now < nextDeadline) {
    armDeadline(nextDeadline); // early or stale event: keep waiting
    return;
  }
  raiseIrq(0);
  if (period == 0) {
    timerArmed = false; // one-shot count finished
    return;
  }
  nextDeadline += period;
  if (nextDeadline <= now)       // fell behind (a long hypercall, a busy host): the 8259 keeps
    nextDeadline = now + period; // one request per line, so missed ticks coalesce anyway
  armDeadline(nextDeadline);
}

void pitWrite(uint16_t port, uint8_t value) {
  pit.write(port, value, systemTimeNs());
  if (pit.takeTimerChanged())
    timerReprogram();
}

uint8_t pitRead(uint16_t port) {
  return pit.read(port, systemTimeNs());
}

} // namespace afterburner::xen
