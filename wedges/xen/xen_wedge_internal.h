// xen_wedge_internal.h: what the Xen wedge's files share. Nothing here is exported beyond
// the wedge: the one public object is afterburner_wedge_xen (xen_wedge.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <afterburner/wedge_abi.h>

#include "site_frame.h"
#include "xen_interface.h"

extern "C" {
// entry_x86_64.S
extern unsigned char afterburner_xen_shared_page[4096];
extern start_info_t *afterburner_xen_start_info;
// irq_x86_64.S: inline templates and entries
extern const uint8_t afterburner_xen_cli_template[];
extern const uint8_t afterburner_xen_sti_template[];
extern const uint8_t afterburner_xen_pushf_template[];
extern const uint8_t afterburner_xen_popf_template[];
extern const uint8_t afterburner_xen_iret_template[];
extern const uint8_t afterburner_xen_cpuid_template[];
extern const uint8_t afterburner_xen_nothing_template[];
extern const char afterburner_xen_far_ret_entry[];
extern const char afterburner_xen_iret_entry[];
extern const char afterburner_xen_sysret_entry[];
extern const char afterburner_xen_event_entry[];
extern const char afterburner_xen_failsafe_entry[];
extern const char afterburner_xen_trap_stubs[];
extern uint64_t afterburner_xen_gate_handlers[256];
// io_x86_64.S's full port I/O path calls this (its entries: io_routes.h)
uint64_t afterburner_xen_port_io(const afterburner_site *site, uint64_t rax, uint64_t rdx);
extern const char afterburner_xen_site_cpu[];
extern const char afterburner_xen_site_mmu[];
extern const char afterburner_xen_site_descriptor[];
void afterburner_xen_force_upcall();

// C++ entry points the assembly calls.
const void *afterburner_xen_boot(start_info_t *start);
void afterburner_xen_no_kernel_entry();
uint64_t afterburner_xen_on_event();
int afterburner_xen_on_page_fault(uint64_t errorCode);
void afterburner_xen_on_failsafe();
void afterburner_xen_handle_cpu(afterburner::xen::SiteFrame *frame, const afterburner_site *site);
void afterburner_xen_handle_mmu(afterburner::xen::SiteFrame *frame, const afterburner_site *site);
void afterburner_xen_handle_descriptor(afterburner::xen::SiteFrame *frame,
                                       const afterburner_site *site);
}

namespace afterburner::xen {

constexpr unsigned TrapStubSize = 16;

inline shared_info *sharedInfo() {
  return (shared_info *)afterburner_xen_shared_page;
}
inline vcpu_info *vcpu() {
  return &sharedInfo()->vcpu_info[0];
}

// console.cpp: the wedge's own messages and the kernel's UART bytes, through console_io.
void consolePut(char byte);
void consoleWrite(const char *text);
void consoleWriteNumber(uint64_t value, unsigned base);
void consoleFlush();

// Stops the domain after flushing the console: poweroff, or crash for wedge errors.
[[noreturn]] void shutdown(unsigned reason);
[[noreturn]] void fatal(const char *what);

// time.cpp: Xen system time (ns) and the timer behind the PIT model.
uint64_t systemTimeNs();
void timerInitialize();
void timerReprogram(); // after the kernel changed PIT channel 0
void timerExpired();   // VIRQ_TIMER fired
void pitWrite(uint16_t port, uint8_t value);
uint8_t pitRead(uint16_t port);

// events.cpp
int eventsInitialize();
void raiseIrq(unsigned irq);
void picWrite(uint16_t port, uint8_t value);
uint8_t picRead(uint16_t port);
// Sets evtchn_upcall_pending when the 8259 model has a deliverable request, so the next
// unmask (sti, popf, iretq) or return from Xen delivers it.
void refreshPendingIrqs();

// io.cpp
void ioInitialize();

// descriptors.cpp: the segment bases the wedge shadows (MSR writes, fs/gs overrides).
SegmentBases &segmentBases();

// mmu.cpp: cr3 shadow and the software TLB over the kernel's page tables.
void mmuInitialize(const start_info_t *start);
uint64_t shadowCr3();
void writeCr3(uint64_t value);
void invalidatePage(uint64_t address);
bool pageFault(uint64_t errorCode);

// cpu.cpp
void cpuInitialize();

} // namespace afterburner::xen
