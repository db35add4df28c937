// user_mode.cpp: user mode of a bare-metal kernel under Xen PV.
//
// A 64-bit PV kernel runs in ring 3 too; Xen tells kernel from user mode by the page
// table it runs on. HYPERVISOR_iret to a frame with RPL 3 switches to the user page table
// (Xen 4.17, pv/iret.c: a domain without one is crashed), every entry from user mode
// (trap, event, SYSCALL) switches back and lands on the stack stack_switch named (the
// TSS rsp0, descriptors.cpp). What the kernel's own code does becomes:
//   iretq to RPL 3      -> HYPERVISOR_iret (irq_x86_64.S, afterburner_xen_iret_entry)
//   sysretq             -> HYPERVISOR_iret with VGCF_in_syscall (afterburner_xen_sysret_entry)
//   wrmsr LSTAR         -> CALLBACKTYPE_syscall, whose entry (user_x86_64.S) turns Xen's
//                          frame into SYSCALL's register state and jumps to the LSTAR value
//   wrmsr SFMASK        -> whether that entry unmasks events (SFMASK without IF)
// The user page table (given at the kernel's first ltr with a ring-0 stack) is the
// kernel's own: Xen's initial tables, which the software TLB fills from the kernel's page
// tables (mmu.cpp), so user mode sees exactly the translations kernel mode sees. That
// keeps every mapping the kernel gives its user pages, but it is no isolation: Xen maps
// the whole image user-accessible to a PV guest, so user code can also reach kernel
// memory (README.md, "User mode").
#include "user_mode.h"

#include "hypercall.h"

extern "C" {
// user_x86_64.S
extern const char afterburner_xen_syscall_entry[];
extern uint64_t afterburner_xen_syscall_target;
extern uint8_t afterburner_xen_syscall_unmask;
}

namespace afterburner::xen {
namespace {

constexpr uint32_t MsrLstar = 0xc0000082;
constexpr uint32_t MsrSyscallMask = 0xc0000084;
constexpr uint64_t FlagInterrupt = 1u << 9;

bool syscallRegistered = false;
bool userPageTableGiven = false;

long registerSyscallEntry() {
  callback_register_t callback{};
  callback.type = CALLBACKTYPE_syscall;
  // Events masked on entry, as SFMASK with IF masks interrupts; the entry unmasks them
  // for a kernel whose SFMASK leaves IF alone.
  callback.flags = CALLBACKF_mask_events;
  callback.address = (xen_callback_t)(uintptr_t)afterburner_xen_syscall_entry;
  return hypercall<__HYPERVISOR_callback_op>(CALLBACKOP_register, (unsigned long)&callback);
}

} // namespace

unsigned long userPageTableFrame(const start_info_t &start) {
  const unsigned long *p2m = (const unsigned long *)start.mfn_list;
  return p2m[start.pt_base >> 12]; // VIRT_BASE 0: the pfn is the address >> 12
}

long enableUserMode(const start_info_t &start) {
  if (userPageTableGiven)
    return 0;
  mmuext_op operation{};
  operation.cmd = MMUEXT_NEW_USER_BASEPTR;
  operation.arg1.mfn = userPageTableFrame(start);
  const long result = mmuextOp(&operation, 1);
  userPageTableGiven = result == 0;
  return result;
}

void syscallMsrWritten(uint32_t msr, uint64_t value) {
  if (msr == MsrSyscallMask) {
    afterburner_xen_syscall_unmask = (value & FlagInterrupt) ? 0 : 1;
    return;
  }
  if (msr != MsrLstar)
    return;
  afterburner_xen_syscall_target = value;
  if (!syscallRegistered && registerSyscallEntry() == 0)
    syscallRegistered = true;
}

} // namespace afterburner::xen
