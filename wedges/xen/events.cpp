// events.cpp: Xen events to the kernel's own interrupt vectors. VIRQ_TIMER is bound to an
// event channel; the upcall (irq_x86_64.S, afterburner_xen_event_entry) scans the pending
// channels, turns them into 8259 requests (the model in wedges/common), and delivers the
// vector the kernel's ICW2 chose to the handler its IDT names, on a hardware-like frame.
// The kernel EOIs through its port I/O sites; whatever is still deliverable then is
// flagged as a pending upcall so the next unmask (sti, popf, iretq) delivers it.
#include "event_scan.h"
#include "hypercall.h"
#include "xen_wedge_internal.h"

#include "../common/pit_pic_model.h"

namespace afterburner::xen {
namespace {

using wedge::PicModel;

PicModel pic;
evtchn_port_t timerPort = ~0u;

void dispatch(unsigned port) {
  if (port == timerPort)
    timerExpired();
}

void scanPendingEvents() {
  vcpu()->evtchn_upcall_pending = 0; // cleared before the scan: no lost notification
  scanEventChannels(&vcpu()->evtchn_pending_sel, sharedInfo()->evtchn_pending,
                    sharedInfo()->evtchn_mask, dispatch);
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

void raiseIrq(unsigned irq) {
  pic.raise(irq);
}

void picWrite(uint16_t port, uint8_t value) {
  pic.write(port, value);
  refreshPendingIrqs();
}

uint8_t picRead(uint16_t port) {
  return pic.read(port);
}

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
  scanPendingEvents();
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
