// user_mode.h: a bare-metal kernel's user mode under Xen PV (user_mode.cpp,
// user_x86_64.S): the user page table Xen needs, and SYSCALL as the kernel programmed it.
#pragma once

#include <stdint.h>

#include "xen_interface.h"

namespace afterburner::xen {

// The machine frame of the page table the wedge runs on (start info's pt_base): the one
// user mode gets.
unsigned long userPageTableFrame(const start_info_t &start);

// Gives Xen a page table for user mode (MMUEXT_NEW_USER_BASEPTR), once: the one the wedge
// runs on, so that ring 3 sees the translations the software TLB installs. Called when
// the kernel names a ring-0 stack (ltr with a non-zero rsp0, descriptors.cpp), which
// every kernel that enters ring 3 does first. 0 on success.
long enableUserMode(const start_info_t &start);

// wrmsr of STAR, LSTAR, CSTAR or SFMASK (cpu.cpp keeps the shadows): LSTAR registers
// the wedge's SYSCALL entry with Xen and makes the kernel's handler its target.
void syscallMsrWritten(uint32_t msr, uint64_t value);

} // namespace afterburner::xen
