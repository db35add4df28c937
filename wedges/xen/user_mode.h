// user_mode.h: a bare-metal kernel's user mode under Xen PV (user_mode.cpp,
// user_x86_64.S): the user page table Xen needs, and SYSCALL as the kernel programmed it.
#pragma once

#include <stdint.h>

#include "xen_interface.h"

extern "C" {
// user_x86_64.S: where the TSS's rsp0 lives (0 before ltr), and the ring-0 stack Xen has.
extern uint64_t afterburner_xen_tss_rsp0;
extern uint64_t afterburner_xen_ring0_stack;
// descriptors.cpp: stack_switch to stack (and the user page table, the first time).
void afterburner_xen_switch_ring0_stack(uint64_t stack);
}

namespace afterburner::xen {

// The machine frame of the page at a pseudo-physical (= virtual, VIRT_BASE 0) address.
unsigned long machineFrameOf(const start_info_t &start, uint64_t address);

// Whether ring 3 may use the top-level slot whose entry in the kernel's own PML4 is
// kernelEntry: present and user-accessible, and not one of the slots Xen keeps for itself.
bool userSlotAllowed(uint64_t kernelEntry, unsigned slot);

// Gives Xen a page table for user mode (MMUEXT_NEW_USER_BASEPTR), once: a top-level table
// of the wedge's own, empty but for Xen's slots. Called when the kernel names a ring-0
// stack (ltr with a non-zero rsp0, descriptors.cpp), which every kernel that enters ring
// 3 does first. 0 on success.
long enableUserMode(const start_info_t &start);

// The user table's slots (mmu.cpp links them on user-mode page faults): linking points a
// slot at the subtree Xen's kernel-mode table has there (entry: that table's L4 entry), so
// both modes share the translations the software TLB installs below it.
bool userSlotLinked(unsigned slot);
bool linkUserSlot(unsigned slot, uint64_t entry);
// A cr3 write: the kernel's PML4 may say otherwise now; every slot is linked again on use.
void unlinkUserSlots();

// wrmsr of STAR, LSTAR, CSTAR or SFMASK (cpu.cpp keeps the shadows): LSTAR registers
// the wedge's SYSCALL entry with Xen and makes the kernel's handler its target.
void syscallMsrWritten(uint32_t msr, uint64_t value);

} // namespace afterburner::xen
