// hypercall.h: Xen x86-64 PV hypercalls, as calls into the hypercall page Xen fills at
// boot (one 32-byte stub per hypercall: mov $nr,%eax; syscall; ret). Arguments in rdi,
// rsi, rdx, r10, r8; result in rax; Xen clobbers rcx and r11 and may change the argument
// registers (debug builds do, deliberately), so each wrapper declares them as clobbered.
#pragma once

#include "xen_interface.h"

extern "C" char afterburner_xen_hypercall_page[];

namespace afterburner::xen {

template <unsigned Number>
inline long hypercall(unsigned long a1 = 0, unsigned long a2 = 0, unsigned long a3 = 0,
                      unsigned long a4 = 0) {
  static_assert(Number < 4096 / 32, "the hypercall page has 128 stubs");
  long result;
  register unsigned long r10 asm("r10") = a4;
  asm volatile("call afterburner_xen_hypercall_page + %c[offset]"
               : "=a"(result), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
               : [offset] "i"(Number * 32)
               : "rcx", "r11", "r8", "r9", "memory");
  return result;
}

inline long consoleWrite(const char *text, unsigned long length) {
  return hypercall<__HYPERVISOR_console_io>(CONSOLEIO_write, length, (unsigned long)text);
}

inline long schedOp(int command, void *argument) {
  return hypercall<__HYPERVISOR_sched_op>((unsigned long)command, (unsigned long)argument);
}

inline long physdevOp(int command, void *argument) {
  return hypercall<__HYPERVISOR_physdev_op>((unsigned long)command, (unsigned long)argument);
}

inline long eventChannelOp(int command, void *argument) {
  return hypercall<__HYPERVISOR_event_channel_op>((unsigned long)command, (unsigned long)argument);
}

inline long vcpuOp(int command, unsigned vcpu, void *argument) {
  return hypercall<__HYPERVISOR_vcpu_op>((unsigned long)command, vcpu, (unsigned long)argument);
}

inline long mmuextOp(struct mmuext_op *operations, unsigned count) {
  return hypercall<__HYPERVISOR_mmuext_op>((unsigned long)operations, count, 0, DOMID_SELF);
}

inline long updateVaMapping(unsigned long address, uint64_t pte, unsigned long flags) {
  return hypercall<__HYPERVISOR_update_va_mapping>(address, pte, flags);
}

inline long xenVersion(int command, void *argument) {
  return hypercall<__HYPERVISOR_xen_version>((unsigned long)command, (unsigned long)argument);
}

} // namespace afterburner::xen
