// VmcallTable.cpp: see VmcallTable.h.
#include "VmcallTable.h"

#include "akaros_abi.h"

namespace afterburner::akaros {

VmcallDecision decideDefaultVmcall(const VmTrapframe &frame, unsigned guestPcoreId) {
  switch (frame.rax) {
  case AKAROS_VMCALL_PRINTC:
    return {VmcallAction::Print, frame.rdi & 0xff};
  case AKAROS_VMCALL_SMPBOOT:
    if (guestPcoreId != 0)
      return {}; // only guest pcore 0 boots the others
    return {VmcallAction::StartPcore, frame.rdi, frame.rsi};
  case AKAROS_VMCALL_GET_TSCFREQ:
    return {VmcallAction::TscFrequency};
  case AKAROS_VMCALL_TRACE_TF:
    return {VmcallAction::Trace, frame.r11};
  case AKAROS_VMCALL_SHUTDOWN:
    return {VmcallAction::Shutdown};
  default:
    return {};
  }
}

VmcallDecision decideVthreadVmcall(const VmTrapframe &frame) {
  switch (frame.rax) {
  case AKAROS_VTH_VMCALL_NULL:
    return {VmcallAction::Nothing};
  case AKAROS_VTH_VMCALL_PRINTC:
    return {VmcallAction::Print, frame.rdi & 0xff};
  case AKAROS_VTH_VMCALL_EXIT:
    return {VmcallAction::ExitVthread, frame.rdi};
  default:
    return {};
  }
}

} // namespace afterburner::akaros
