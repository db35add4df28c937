// msr_policy.cpp: see msr_policy.h. The sets are Akaros's (kern/arch/x86/vmm/vmm.c,
// the VMCS MSR bitmap in kern/arch/x86/vmm/intel/vmx.c), restated.
#include "msr_policy.h"

namespace afterburner::akaros {
namespace {

bool isIn(uint32_t index, uint32_t first, uint32_t last) {
  return index >= first && index <= last;
}

bool akarosHandles(uint32_t index) {
  switch (index) {
  case 0x49: // PRED_CMD
  case 0x8b: // microcode revision
  case 0x174:
  case 0x175:
  case 0x176: // SYSENTER_*
  case 0x179: // MCG_CAP
  case 0x186:
  case 0x187: // PERFEVTSEL0/1
  case 0x1a0: // MISC_ENABLE
  case 0x1a6:
  case 0x1a7: // OFFCORE_RSP_0/1
  case 0x1b0: // ENERGY_PERF_BIAS
  case 0x1c8:
  case 0x1c9:
  case 0x1d9: // LBR_SELECT, LBR_TOS, DEBUGCTL
  case 0x345:
  case 0x3f6:
  case 0x606: // PERF_CAPABILITIES, PEBS_LD_LAT, RAPL unit
  case 0x6e0: // TSC_DEADLINE (accepted, no effect)
  case 0xc0000080:
  case 0xc0000081:
  case 0xc0000082:
  case 0xc0000083:
  case 0xc0000084:
  case 0xc0000100:
  case 0xc0000101:
  case 0xc0000102:
  case 0xc0000103:
    return true;
  default:
    return isIn(index, 0x480, 0x491) || isIn(index, 0x680, 0x69f) || isIn(index, 0x6c0, 0x6df) ||
           isIn(index, 0x800, 0x8ff);
  }
}

} // namespace

MsrDecision decideMsr(uint32_t index) {
  if (index == 0x1b)
    return MsrDecision::ApicBase;
  if (index == 0x10)
    return MsrDecision::TimeStamp;
  return akarosHandles(index) ? MsrDecision::Native : MsrDecision::Absorb;
}

uint64_t apicBaseAsSeen(uint64_t real) {
  constexpr uint64_t Enable = 1u << 11, X2apic = 1u << 10;
  return real & ~(Enable | X2apic);
}

} // namespace afterburner::akaros
