// xen_wedge.cpp: the Xen x86-64 PV wedge's one exported object, afterburner_wedge_xen:
// detection (the kernel was entered through the wedge's PV entry), initialisation
// (callbacks, event channels, I/O privilege, timer), and the per-op table that tells the
// loader what to write over each site. Ops the sample kernels do not use stay
// UNIMPLEMENTED: the loader points them at wedges/common's unimplemented entry, which
// prints the op and the site through the Xen console and halts through the wedge's hook
// (SCHEDOP_shutdown: a PV kernel may not hlt with interrupts off).
#include "hypercall.h"
#include "io_routes.h"
#include "irq_templates.h"
#include "xen_wedge_internal.h"

#include <afterburner/common/entry.h>
#include <afterburner/loader.h>

namespace afterburner::xen {
namespace {

constexpr int XenPriority = 100;

const start_info_t *startOf(const afterburner_boot_info *boot) {
  if (!boot || boot->size < offsetof(afterburner_boot_info, text_start) ||
      boot->entry_kind != AFTERBURNER_ENTRY_XEN_PV)
    return nullptr;
  return (const start_info_t *)boot->entry_data;
}

int detect(const afterburner_boot_info *boot) {
  return startOf(boot) ? XenPriority : 0;
}

long registerCallback(uint16_t type, const void *address) {
  callback_register_t callback{};
  callback.type = type;
  callback.address = (xen_callback_t)(uintptr_t)address;
  return hypercall<__HYPERVISOR_callback_op>(CALLBACKOP_register, (unsigned long)&callback);
}

void printVersion(const start_info_t &start) {
  const long version = xenVersion(XENVER_version, nullptr);
  consoleWrite("afterburner xen: Xen ");
  consoleWriteNumber(uint64_t(version) >> 16, 10);
  consoleWrite(".");
  consoleWriteNumber(uint64_t(version) & 0xffff, 10);
  consoleWrite((start.flags & SIF_INITDOMAIN) ? " PV dom0, " : " PV domU, ");
  consoleWriteNumber(start.nr_pages, 10);
  consoleWrite(" pages; page tables: Xen's, a software TLB over the kernel's (mmu.cpp)\n");
}

// wedges/common's messages (the unimplemented op) go out after the kernel's buffered bytes.
void writeCommonMessage(const char *text, size_t length) {
  consoleFlush();
  xen::consoleWrite(text, length);
}

void haltDomain() {
  shutdown(SHUTDOWN_crash);
}

int initialize(const afterburner_boot_info *boot) {
  const start_info_t *start = startOf(boot);
  if (!start || start != afterburner_xen_start_info)
    return -1; // not entered through afterburner_xen_start
  afterburner_common_set_console(writeCommonMessage);
  afterburner_common_set_halt(haltDomain);
  mmuInitialize(start);
  cpuInitialize();
  ioInitialize();
  if (registerCallback(CALLBACKTYPE_event, afterburner_xen_event_entry) != 0 ||
      registerCallback(CALLBACKTYPE_failsafe, afterburner_xen_failsafe_entry) != 0)
    return -2;
  if (eventsInitialize() != 0)
    return -3;
  timerInitialize();
  printVersion(*start);
  return 0;
}

constexpr afterburner_op_entry call(const void *entry) {
  return {AFTERBURNER_POLICY_CALL, entry};
}

constexpr afterburner_op_entry inlineCode(const afterburner_inline_code &code) {
  return {AFTERBURNER_POLICY_INLINE, &code};
}

// Port I/O (io.cpp).
constexpr unsigned IoOps[] = {AFTERBURNER_OP_in_imm, AFTERBURNER_OP_in_dx, AFTERBURNER_OP_out_imm,
                              AFTERBURNER_OP_out_dx};
// Control registers, MSRs, hlt (cpu.cpp).
constexpr unsigned CpuOps[] = {
    AFTERBURNER_OP_hlt,       AFTERBURNER_OP_read_cr0,  AFTERBURNER_OP_write_cr0,
    AFTERBURNER_OP_read_cr2,  AFTERBURNER_OP_write_cr2, AFTERBURNER_OP_read_cr4,
    AFTERBURNER_OP_write_cr4, AFTERBURNER_OP_read_cr8,  AFTERBURNER_OP_write_cr8,
    AFTERBURNER_OP_clts,      AFTERBURNER_OP_smsw,      AFTERBURNER_OP_rdmsr,
    AFTERBURNER_OP_wrmsr};
// cr3, the TLB and the kernel's annotated page-table writes (mmu.cpp).
constexpr unsigned MmuOps[] = {AFTERBURNER_OP_read_cr3, AFTERBURNER_OP_write_cr3,
                               AFTERBURNER_OP_invlpg, AFTERBURNER_OP_page_table_store,
                               AFTERBURNER_OP_page_table_exchange};
// Descriptor tables and segment registers (descriptors.cpp).
constexpr unsigned DescriptorOps[] = {
    AFTERBURNER_OP_lgdt,       AFTERBURNER_OP_lidt,     AFTERBURNER_OP_lldt, AFTERBURNER_OP_ltr,
    AFTERBURNER_OP_sgdt,       AFTERBURNER_OP_sidt,     AFTERBURNER_OP_sldt, AFTERBURNER_OP_str,
    AFTERBURNER_OP_write_sreg, AFTERBURNER_OP_read_sreg};

constexpr afterburner_wedge makeWedge() {
  afterburner_wedge wedge{};
  wedge.name = "xen";
  wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
  wedge.mode = 64;
  wedge.detect = detect;
  wedge.init = initialize;
  wedge.unimplemented = afterburner_common_unimplemented;
  auto &ops = wedge.ops;
  // Interrupt flag: shared-memory mask, no trap.
  ops[AFTERBURNER_OP_cli] = inlineCode(CliCode);
  ops[AFTERBURNER_OP_sti] = inlineCode(StiCode);
  ops[AFTERBURNER_OP_pushf] = inlineCode(PushfCode);
  ops[AFTERBURNER_OP_popf] = inlineCode(PopfCode);
  // Returns to another context.
  // iretq to the kernel in place; iretl/iretw and returns to user mode: the iret entry.
  ops[AFTERBURNER_OP_iret] = inlineCode(IretCode);
  ops[AFTERBURNER_OP_sysret] = {AFTERBURNER_POLICY_JUMP, afterburner_xen_sysret_entry};
  ops[AFTERBURNER_OP_far_ret] = call(afterburner_xen_far_ret_entry);
  // Port I/O: a site's first run picks its entry (flag-free fast paths for COM1 and port
  // 0x80, the full path with the device models and pass-through for the rest) and points
  // the site at it (io_x86_64.S, io_routes.cpp).
  for (unsigned op : IoOps)
    ops[op] = call(afterburner_xen_site_port_io_first);
  for (unsigned op : CpuOps)
    ops[op] = call(afterburner_xen_site_cpu);
  for (unsigned op : MmuOps)
    ops[op] = call(afterburner_xen_site_mmu);
  for (unsigned op : DescriptorOps)
    ops[op] = call(afterburner_xen_site_descriptor);
  // Identification and time: Xen's CPUID policy; the TSC runs natively for PV guests.
  ops[AFTERBURNER_OP_cpuid] = inlineCode(CpuidCode);
  ops[AFTERBURNER_OP_rdtsc] = {AFTERBURNER_POLICY_NATIVE, nullptr};
  ops[AFTERBURNER_OP_rdtscp] = {AFTERBURNER_POLICY_NATIVE, nullptr};
  // Xen switches GS on kernel/user transitions; int n goes through the trap table.
  ops[AFTERBURNER_OP_swapgs] = inlineCode(NothingCode);
  ops[AFTERBURNER_OP_int_n] = {AFTERBURNER_POLICY_NATIVE, nullptr};
  return wedge;
}

constexpr afterburner_wedge XenWedge = makeWedge();

} // namespace
} // namespace afterburner::xen

using namespace afterburner::xen;

// Constant-initialised: the kernel has no constructors to run.
extern "C" const afterburner_wedge afterburner_wedge_xen = XenWedge;
