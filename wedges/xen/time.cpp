// time.cpp: Xen's clock and timer behind the kernel's PIT. Xen system time (ns since
// boot) comes from vcpu_time_info and the TSC; the PIT model (wedges/common) derives its
// counters from it, so the kernel's TSC calibration against the PIT measures Xen's clock.
// Channel 0 becomes Xen's periodic timer (or a single-shot one), whose VIRQ_TIMER events
// raise IRQ 0 on the 8259 model.
#include "hypercall.h"
#include "xen_wedge_internal.h"

#include "../common/pit_pic_model.h"

namespace afterburner::xen {
namespace {

using wedge::PitModel;

PitModel pit;
bool oneShotArmed = false;
constexpr uint64_t MinimumPeriodNs = 1000000;

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

uint64_t systemTimeNs() { return scaledTime(vcpu()->time); }

void timerInitialize() {
  // Xen starts PV vCPUs with a 10 ms periodic timer; the kernel's PIT decides instead.
  vcpuOp(VCPUOP_stop_periodic_timer, 0, nullptr);
}

void timerReprogram() {
  const wedge::PitTimerRequest request = pit.channel0Timer();
  vcpuOp(VCPUOP_stop_periodic_timer, 0, nullptr);
  vcpuOp(VCPUOP_stop_singleshot_timer, 0, nullptr);
  oneShotArmed = false;
  if (!request.running)
    return;
  if (request.periodic) {
    // Xen refuses periods under 1 ms: a faster PIT ticks at 1 kHz (documented limit).
    const uint64_t period = request.periodNs < MinimumPeriodNs ? MinimumPeriodNs : request.periodNs;
    vcpu_set_periodic_timer_t periodic{period};
    if (vcpuOp(VCPUOP_set_periodic_timer, 0, &periodic) != 0)
      fatal("Xen refused the PIT's period as a periodic timer");
    return;
  }
  vcpu_set_singleshot_timer_t single{systemTimeNs() + request.periodNs, 0};
  vcpuOp(VCPUOP_set_singleshot_timer, 0, &single);
  oneShotArmed = true;
}

void timerExpired() {
  const wedge::PitTimerRequest request = pit.channel0Timer();
  if (!request.running)
    return; // Xen's own timer events before the kernel programmed the PIT
  if (!request.periodic) {
    if (!oneShotArmed)
      return;
    oneShotArmed = false;
  }
  raiseIrq(0);
}

void pitWrite(uint16_t port, uint8_t value) {
  pit.write(port, value, systemTimeNs());
  if (pit.takeTimerChanged())
    timerReprogram();
}

uint8_t pitRead(uint16_t port) { return pit.read(port, systemTimeNs()); }

} // namespace afterburner::xen
