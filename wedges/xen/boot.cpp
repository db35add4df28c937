// boot.cpp: the C++ half of the PV entry (entry_x86_64.S). Runs before the kernel, before
// the loader, with events masked: it maps shared_info and hands the kernel a boot info
// that says "Xen PV", so afterburner_boot() selects this wedge.
#include "hypercall.h"
#include "xen_wedge_internal.h"

#include <afterburner/loader.h>

namespace afterburner::xen {
namespace {

// Present, writable, user (a 64-bit PV kernel runs in ring 3), accessed, dirty.
constexpr uint64_t SharedInfoPteFlags = 0x67;

afterburner_boot_info bootInfo;

void mapSharedInfo(const start_info_t &start) {
  const unsigned long address = (unsigned long)afterburner_xen_shared_page;
  if (updateVaMapping(address, start.shared_info | SharedInfoPteFlags, UVMF_INVLPG) != 0)
    fatal("cannot map shared_info");
}

} // namespace
} // namespace afterburner::xen

using namespace afterburner::xen;

extern "C" const void *afterburner_xen_boot(start_info_t *start) {
  mapSharedInfo(*start);
  vcpu()->evtchn_upcall_mask = 1; // as Xen entered us; the kernel starts with cli semantics
  bootInfo.size = sizeof bootInfo;
  bootInfo.entry_kind = AFTERBURNER_ENTRY_XEN_PV;
  bootInfo.entry_data = start;
  bootInfo.command_line = (const char *)start->cmd_line;
  return &bootInfo;
}

extern "C" void afterburner_xen_no_kernel_entry() {
  fatal("the kernel defines no kernel_entry64 (samples/README.md)");
}
