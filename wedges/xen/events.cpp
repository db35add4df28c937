// events.cpp: Xen events to the kernel's own interrupt vectors. VIRQ_TIMER is bound to an
// event channel; the upcall (irq_x86_64.S, afterburner_xen_event_entry) scans the pending
// channels, turns them into 8259 requests (the model in wedges/common), and delivers the
// vector the kernel's ICW2 chose to the handler its IDT names, on a hardware-like frame.
// The kernel EOIs through its port I/O sites; whatever is still deliverable then is
// flagged as a pending upcall so the next unmask (sti, popf, iretq) delivers it.
#include "hypercall.h"
#include "xen_wedge_internal.h"

#include "../common/pit_pic_model.h"

namespace afterburner::xen {
namespace {

using wedge::PicModel;

constexpr unsigned BitsPerWord = sizeof(xen_ulong_t) * 8;

PicModel pic;
evtchn_port_t timerPort = ~0u;

xen_ulong_t exchangeWord(xen_ulong_t *word) {
  return __atomic_exchange_n(word, xen_ulong_t(0), __ATOMIC_SEQ_CST);
}

void clearPending(unsigned port) {
  __atomic_fetch_and(&sharedInfo()->evtchn_pending[port / BitsPerWord],
                     ~(xen_ulong_t(1) << (port % BitsPerWord)), __ATOMIC_SEQ_CST);
}

void dispatch(unsigned port) {
  clearPending(port);
  if (port == timerPort)
    timerExpired();
}

// Xen's two-level scan: the selector word says which pending words to look at.
void scanEventChannels() {
  vcpu()->evtchn_upcall_pending = 0;
  xen_ulong_t selector = exchangeWord(&vcpu()->evtchn_pending_sel);
  while (selector) {
    const unsigned wordIndex = __builtin_ctzl(selector);
    selector &= selector - 1;
    xen_ulong_t pending =
        sharedInfo()->evtchn_pending[wordIndex] & ~sharedInfo()->evtchn_mask[wordIndex];
    while (pending) {
      const unsigned bit = __builtin_ctzl(pending);
      pending &= pending - 1;
      dispatch(wordIndex * BitsPerWord + bit);
    }
  }
}

} // namespace

int eventsInitialize() {
  evtchn_bind_virq_t bind{VIRQ_TIMER, 0, 0};
  if (eventChannelOp(EVTCHNOP_bind_virq, &bind) != 0)
    return -1;
  timerPort = bind.port;
  evtchn_unmask_t unmask{timerPort};
  eventChannelOp(EVTCHNOP_unmask, &unmask);
  return 0;
}

void raiseIrq(unsigned irq) { pic.raise(irq); }

void picWrite(uint16_t port, uint8_t value) {
  pic.write(port, value);
  refreshPendingIrqs();
}

uint8_t picRead(uint16_t port) { return pic.read(port); }

void refreshPendingIrqs() {
  // Xen checks this byte when it returns to the guest, as does the wedge on unmask.
  if (pic.nextVector() >= 0)
    vcpu()->evtchn_upcall_pending = 1;
}

} // namespace afterburner::xen

using namespace afterburner::xen;

// Called by the upcall with events masked: returns the kernel's handler for the vector
// to deliver now, or 0 to just return to the interrupted code.
extern "C" uint64_t afterburner_xen_on_event() {
  scanEventChannels();
  const int vector = pic.acknowledge();
  refreshPendingIrqs();
  if (vector < 0)
    return 0;
  const uint64_t handler = afterburner_xen_gate_handlers[vector];
  if (handler == 0)
    fatal("an IRQ arrived at a vector the kernel's IDT does not have");
  return handler;
}

extern "C" void afterburner_xen_on_failsafe() {
  fatal("Xen's failsafe callback: the kernel's segments could not be restored");
}
