// VmTrapframe.h: Akaros's struct vm_trapframe (kern/arch/x86/ros/trapframe64.h),
// what an exit handler receives. The stand-in fills it from KVM_GET_REGS/SREGS.
#ifndef AFTERBURNER_AKAROS_HOST_VMTRAPFRAME_H
#define AFTERBURNER_AKAROS_HOST_VMTRAPFRAME_H

#include <cstdint>
#include <cstdio>

namespace afterburner::akaros {

struct VmTrapframe {
  uint64_t rax, rbx, rcx, rdx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rip, rflags, rsp, cr2, cr3;
  uint32_t guestPcoreId, flags, trapInject;
  uint16_t guestInterruptStatus, padding0;
  uint32_t exitReason, exitQualification, interruptInfo1, interruptInfo2;
  uint64_t guestVirtualAddress, guestPhysicalAddress;
};

static_assert(sizeof(VmTrapframe) == 208, "Akaros's vm_trapframe is 208 bytes");

void printTrapframe(std::FILE *stream, const VmTrapframe &frame);

} // namespace afterburner::akaros

#endif
