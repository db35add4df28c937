// VmcallTable.h: Akaros's two vmcall number spaces as pure decisions: the default
// VMM's (user/vmm/vmexit.c handle_vmcall) and vthreads' (vth_handle_vmcall). The
// VirtualMachine carries the decisions out; keeping them apart lets the tables be
// tested without /dev/kvm.
#ifndef AFTERBURNER_AKAROS_HOST_VMCALLTABLE_H
#define AFTERBURNER_AKAROS_HOST_VMCALLTABLE_H

#include "VmTrapframe.h"

#include <cstdint>

namespace afterburner::akaros {

enum class VmcallAction {
  Nothing,      // handled, no effect (VTH_VMCALL_NULL)
  Print,        // argument: the character
  StartPcore,   // argument: rip, second: rsp (SMPBOOT; same CR3 as the caller)
  TscFrequency, // rax = the TSC frequency in kHz
  Trace,        // dump the trapframe, with the rax the guest saved in r11
  Shutdown,     // the VMM exits
  ExitVthread,  // argument: the value vthread_join returns
  Refuse,       // not handled: Akaros's VMM dies
};

struct VmcallDecision {
  VmcallAction action = VmcallAction::Refuse;
  uint64_t argument = 0;
  uint64_t second = 0;
};

VmcallDecision decideDefaultVmcall(const VmTrapframe &frame, unsigned guestPcoreId);
VmcallDecision decideVthreadVmcall(const VmTrapframe &frame);

} // namespace afterburner::akaros

#endif
