// cpu.cpp: control registers other than cr3, MSRs, hlt and smsw under Xen PV.
//   cr0: a shadow; only TS is real (fpu_taskswitch). clts likewise.
//   cr2: Xen stores the fault address in vcpu_info.arch.cr2.
//   cr4, cr8: shadows (Xen owns cr4; there is no local APIC TPR for a PV guest).
//   MSRs: FS/GS/KERNEL_GS base -> set_segment_base; EFER and the SYSCALL MSRs are
//         shadows (Xen owns them; LSTAR and SFMASK also go to user_mode.cpp, which
//         registers the SYSCALL entry); APIC_BASE reads as disabled (a PV guest has no
//         local APIC); every other MSR runs natively, so Xen emulates it.
//   hlt: SCHEDOP_block, which atomically unmasks events and sleeps until one is pending;
//        hlt with events masked can never wake up, so it powers the domain off.
#include "hypercall.h"
#include "user_mode.h"
#include "xen_wedge_internal.h"

#include <afterburner/common/entry.h>

namespace afterburner::xen {
namespace {

constexpr uint64_t Cr0TaskSwitched = 1u << 3;
// PE MP ET NE WP AM PG: what a 64-bit kernel's cr0 holds.
constexpr uint64_t Cr0Initial = 0x80050033;
// PAE PGE OSFXSR OSXMMEXCPT: what Xen runs a 64-bit PV guest with.
constexpr uint64_t Cr4Initial = 0x6a0;

constexpr uint32_t MsrApicBase = 0x1b;
// A PV guest has no local APIC (Xen owns it): the base reads as globally disabled, with
// x2APIC off, so the kernel leaves the APIC page alone.
constexpr uint64_t ApicBaseEnables = (1u << 11) | (1u << 10);
constexpr uint32_t MsrEfer = 0xc0000080;
constexpr uint32_t MsrStar = 0xc0000081;
constexpr uint32_t MsrSyscallMask = 0xc0000084;
constexpr uint32_t MsrFsBase = 0xc0000100;
constexpr uint32_t MsrGsBase = 0xc0000101;
constexpr uint32_t MsrKernelGsBase = 0xc0000102;
// LME | LMA | NXE | SCE: long mode is on; Xen enables NX and SYSCALL for its guests.
constexpr uint64_t EferInitial = 0xd01;

uint64_t cr0Shadow = Cr0Initial;
uint64_t cr4Shadow = Cr4Initial;
uint64_t cr8Shadow = 0;
uint64_t eferShadow = EferInitial;
uint64_t syscallShadows[4] = {}; // STAR, LSTAR, CSTAR, SFMASK
uint64_t kernelGsBase = 0;

void writeCr0(uint64_t value) {
  if ((value ^ cr0Shadow) & Cr0TaskSwitched)
    hypercall<__HYPERVISOR_fpu_taskswitch>((value & Cr0TaskSwitched) ? 1 : 0);
  cr0Shadow = value;
}

uint64_t nativeReadMsr(uint32_t msr) {
  uint32_t low, high;
  asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
  return uint64_t(high) << 32 | low;
}

void nativeWriteMsr(uint32_t msr, uint64_t value) {
  asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)) : "memory");
}

uint64_t readMsr(uint32_t msr) {
  if (msr == MsrApicBase)
    return nativeReadMsr(msr) & ~ApicBaseEnables;
  if (msr == MsrEfer)
    return eferShadow;
  if (msr >= MsrStar && msr <= MsrSyscallMask)
    return syscallShadows[msr - MsrStar];
  if (msr == MsrFsBase)
    return segmentBases().fs;
  if (msr == MsrGsBase)
    return segmentBases().gs;
  if (msr == MsrKernelGsBase)
    return kernelGsBase;
  return nativeReadMsr(msr);
}

void writeMsr(uint32_t msr, uint64_t value) {
  if (msr == MsrApicBase)
    return; // no APIC to enable or move
  if (msr == MsrEfer) {
    eferShadow = value;
    return;
  }
  if (msr >= MsrStar && msr <= MsrSyscallMask) {
    syscallShadows[msr - MsrStar] = value;
    syscallMsrWritten(msr, value);
    return;
  }
  if (msr == MsrFsBase) {
    segmentBases().fs = value;
    hypercall<__HYPERVISOR_set_segment_base>(SEGBASE_FS, value);
    return;
  }
  if (msr == MsrGsBase) {
    segmentBases().gs = value;
    hypercall<__HYPERVISOR_set_segment_base>(SEGBASE_GS_KERNEL, value);
    return;
  }
  if (msr == MsrKernelGsBase) {
    kernelGsBase = value;
    hypercall<__HYPERVISOR_set_segment_base>(SEGBASE_GS_USER, value);
    return;
  }
  nativeWriteMsr(msr, value);
}

void halt() {
  consoleFlush(); // the kernel waits: whatever it printed must be out
  if (vcpu()->evtchn_upcall_mask) {
    consoleWrite("afterburner xen: hlt with interrupts off: powering off\n");
    shutdown(SHUTDOWN_poweroff);
  }
  // Mask, then let SCHEDOP_block unmask atomically, so an event arriving between the
  // kernel's sti and this hlt still wakes it.
  vcpu()->evtchn_upcall_mask = 1;
  if (!vcpu()->evtchn_upcall_pending)
    schedOp(SCHEDOP_block, nullptr);
  vcpu()->evtchn_upcall_mask = 0;
  if (vcpu()->evtchn_upcall_pending)
    xenVersion(XENVER_version, nullptr); // any hypercall delivers the pending upcall
}

uint64_t controlRegister(unsigned number) {
  switch (number) {
  case 0:
    return cr0Shadow;
  case 2:
    return vcpu()->arch.cr2;
  case 4:
    return cr4Shadow;
  default:
    return cr8Shadow;
  }
}

} // namespace

void cpuInitialize() {
  cr0Shadow = Cr0Initial;
}

} // namespace afterburner::xen

using namespace afterburner::xen;

extern "C" void afterburner_xen_handle_cpu(SiteFrame *frame, const afterburner_site *site) {
  switch (site->op) {
  case AFTERBURNER_OP_hlt:
    return halt();
  case AFTERBURNER_OP_read_cr0:
    return writeRegister(*frame, site->base, controlRegister(0), 8);
  case AFTERBURNER_OP_read_cr2:
    return writeRegister(*frame, site->base, controlRegister(2), 8);
  case AFTERBURNER_OP_read_cr4:
    return writeRegister(*frame, site->base, controlRegister(4), 8);
  case AFTERBURNER_OP_read_cr8:
    return writeRegister(*frame, site->base, controlRegister(8), 8);
  case AFTERBURNER_OP_write_cr0:
    return writeCr0(readRegister(*frame, site->base));
  case AFTERBURNER_OP_write_cr2:
    return; // Xen sets cr2 on each page fault; the kernel's value is never read back
  case AFTERBURNER_OP_write_cr4:
    cr4Shadow = readRegister(*frame, site->base);
    return;
  case AFTERBURNER_OP_write_cr8:
    cr8Shadow = readRegister(*frame, site->base);
    return;
  case AFTERBURNER_OP_clts:
    return writeCr0(cr0Shadow & ~Cr0TaskSwitched);
  case AFTERBURNER_OP_smsw:
    if (site->operand_form == AFTERBURNER_OPERAND_GPR)
      return writeRegister(*frame, site->base, cr0Shadow & 0xffff,
                           site->operand_width ? site->operand_width : 2);
    *(volatile uint16_t *)(uintptr_t)effectiveAddress(*frame, *site, segmentBases()) =
        uint16_t(cr0Shadow);
    return;
  case AFTERBURNER_OP_rdmsr: {
    const uint64_t value = readMsr(uint32_t(frame->rcx));
    frame->rax = uint32_t(value);
    frame->rdx = uint32_t(value >> 32);
    return;
  }
  case AFTERBURNER_OP_wrmsr:
    return writeMsr(uint32_t(frame->rcx), uint32_t(frame->rax) | uint64_t(uint32_t(frame->rdx))
                                                                     << 32);
  default:
    afterburner_common_halt_unimplemented(site, frame->returnAddress);
  }
}
