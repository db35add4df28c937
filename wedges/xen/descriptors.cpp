// descriptors.cpp: descriptor tables and segment registers under Xen PV.
//   lidt  -> set_trap_table, each present gate pointing at the wedge's per-vector stub
//            (gate_translation.h); the kernel's handlers are remembered for the stubs
//            and for interrupt delivery.
//   lgdt  -> kept as a shadow only: the kernel keeps running on Xen's flat selectors
//            (its GDT page is writable, which set_gdt would refuse).
//   ltr   -> the TSS's rsp0, if any, becomes the ring-transition stack (stack_switch),
//            and user mode gets its page table (user_mode.cpp); the returns to ring 3
//            follow later changes of rsp0 (user_x86_64.S).
//   sgdt/sidt/sldt/str/smsw -> the shadows, never the real (Xen's) values.
//   mov to/from a segment register -> shadow selectors; the flat ones stay loaded.
#include "gate_translation.h"
#include "hypercall.h"
#include "user_mode.h"
#include "xen_wedge_internal.h"

#include <afterburner/common/entry.h>

namespace afterburner::xen {
namespace {

struct __attribute__((packed)) TablePointer {
  uint16_t limit;
  uint64_t base;
};

TablePointer gdtShadow{};
TablePointer idtShadow{};
uint16_t ldtShadow = 0;
uint16_t taskRegisterShadow = 0;
uint16_t selectorShadows[6] = {};
SegmentBases bases;
TrapEntry trapEntries[256];
trap_info_t trapTable[257];

void copyBytes(void *destination, const void *source, size_t length) {
  auto *to = (volatile uint8_t *)destination;
  auto *from = (const uint8_t *)source;
  for (size_t index = 0; index < length; ++index)
    to[index] = from[index];
}

void loadInterruptTable(const TablePointer &pointer) {
  idtShadow = pointer;
  const size_t count = translateIdt((const uint8_t *)(uintptr_t)pointer.base, pointer.limit,
                                    (uint64_t)(uintptr_t)afterburner_xen_trap_stubs, TrapStubSize,
                                    afterburner_xen_gate_handlers, trapEntries, 256);
  for (size_t index = 0; index < count; ++index) {
    trapTable[index].vector = trapEntries[index].vector;
    trapTable[index].flags = trapEntries[index].flags;
    trapTable[index].cs = FLAT_KERNEL_CS;
    trapTable[index].address = trapEntries[index].stubAddress;
  }
  trapTable[count] = trap_info_t{}; // terminator: address 0
  if (hypercall<__HYPERVISOR_set_trap_table>((unsigned long)trapTable) != 0)
    fatal("Xen refused the kernel's IDT as a trap table");
}

// The 64-bit TSS descriptor at selector in the shadow GDT, and the rsp0 in it.
void loadTaskRegister(uint16_t selector) {
  taskRegisterShadow = selector;
  if (!gdtShadow.base)
    return;
  const uint64_t task =
      taskStateBase((const uint8_t *)(uintptr_t)gdtShadow.base, gdtShadow.limit, selector);
  if (!task)
    return;
  // The CPU reads rsp0 on every entry from ring 3, so every return to ring 3 compares it
  // with Xen's (user_x86_64.S): a kernel may change it with a plain store.
  afterburner_xen_tss_rsp0 = task + 4;
  uint64_t stackPointer0;
  copyBytes(&stackPointer0, (const uint8_t *)(uintptr_t)task + 4, 8);
  if (stackPointer0)
    afterburner_xen_switch_ring0_stack(stackPointer0);
}

// The selector or table register an instruction reads or writes: a GPR or memory.
uint64_t operandAddress(SiteFrame &frame, const afterburner_site &site) {
  return effectiveAddress(frame, site, bases);
}

uint16_t readSelectorOperand(SiteFrame &frame, const afterburner_site &site) {
  if (site.operand_form == AFTERBURNER_OPERAND_GPR)
    return uint16_t(readRegister(frame, site.base));
  uint16_t value;
  copyBytes(&value, (const void *)(uintptr_t)operandAddress(frame, site), 2);
  return value;
}

void writeSelectorOperand(SiteFrame &frame, const afterburner_site &site, uint16_t value) {
  if (site.operand_form == AFTERBURNER_OPERAND_GPR) {
    writeRegister(frame, site.base, value, site.operand_width ? site.operand_width : 2);
    return;
  }
  copyBytes((void *)(uintptr_t)operandAddress(frame, site), &value, 2);
}

void storeTablePointer(SiteFrame &frame, const afterburner_site &site,
                       const TablePointer &pointer) {
  copyBytes((void *)(uintptr_t)operandAddress(frame, site), &pointer, sizeof pointer);
}

TablePointer loadTablePointer(SiteFrame &frame, const afterburner_site &site) {
  TablePointer pointer;
  copyBytes(&pointer, (const void *)(uintptr_t)operandAddress(frame, site), sizeof pointer);
  return pointer;
}

} // namespace

SegmentBases &segmentBases() {
  return bases;
}

} // namespace afterburner::xen

using namespace afterburner::xen;

extern "C" void afterburner_xen_switch_ring0_stack(uint64_t stack) {
  hypercall<__HYPERVISOR_stack_switch>(FLAT_KERNEL_SS, stack);
  afterburner_xen_ring0_stack = stack;
  // A ring-0 stack is for entries from ring 3, and Xen returns to ring 3 only with a
  // user page table.
  if (enableUserMode(*afterburner_xen_start_info) != 0)
    consoleWrite("afterburner xen: Xen refused the user page table: no user mode\n");
}

extern "C" void afterburner_xen_handle_descriptor(SiteFrame *frame, const afterburner_site *site) {
  switch (site->op) {
  case AFTERBURNER_OP_lidt:
    return loadInterruptTable(loadTablePointer(*frame, *site));
  case AFTERBURNER_OP_lgdt:
    gdtShadow = loadTablePointer(*frame, *site);
    return;
  case AFTERBURNER_OP_ltr:
    return loadTaskRegister(readSelectorOperand(*frame, *site));
  case AFTERBURNER_OP_lldt:
    ldtShadow = readSelectorOperand(*frame, *site);
    return;
  case AFTERBURNER_OP_sgdt:
    return storeTablePointer(*frame, *site, gdtShadow);
  case AFTERBURNER_OP_sidt:
    return storeTablePointer(*frame, *site, idtShadow);
  case AFTERBURNER_OP_sldt:
    return writeSelectorOperand(*frame, *site, ldtShadow);
  case AFTERBURNER_OP_str:
    return writeSelectorOperand(*frame, *site, taskRegisterShadow);
  case AFTERBURNER_OP_write_sreg:
    if (site->special < 6)
      selectorShadows[site->special] = readSelectorOperand(*frame, *site);
    return;
  case AFTERBURNER_OP_read_sreg:
    if (site->special < 6)
      writeSelectorOperand(*frame, *site, selectorShadows[site->special]);
    return;
  default:
    afterburner_common_halt_unimplemented(site, frame->returnAddress);
  }
}
