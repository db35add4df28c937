// entries.h: the emulation behind the KVM wedge's CALL sites. kvm_wedge.cpp wraps
// each in a wedges/common site handler; each behaves exactly as the instruction.
#ifndef AFTERBURNER_WEDGES_KVM_ENTRIES_H
#define AFTERBURNER_WEDGES_KVM_ENTRIES_H

#include <afterburner/common/frame.h>
#include <afterburner/site_abi.h>

namespace afterburner::kvm {

void portIn(afterburner_frame &frame, const afterburner_site &site);    // in_imm, in_dx
void portOut(afterburner_frame &frame, const afterburner_site &site);   // out_imm, out_dx
void stringOut(afterburner_frame &frame, const afterburner_site &site); // outs
void cpuid(afterburner_frame &frame);

} // namespace afterburner::kvm

#endif
