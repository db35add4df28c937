// mmu.cpp: control register 3, the TLB, page faults and annotated page-table writes under
// Xen PV.
//
// The limit, stated plainly: a PV kernel's page tables hold MACHINE frames, must be
// read-only and are validated by Xen, so the kernel's own tables (plain stores of
// pseudo-physical addresses into writable memory) can never be loaded into cr3. The wedge
// keeps running on Xen's initial page tables and turns them into a software TLB for the
// kernel's tables:
//   - a page fault on an address Xen's tables do not map is a TLB miss: the wedge walks
//     the kernel's tables (4 KiB, 2 MiB and 1 GiB pages) and, when they map RAM the
//     domain owns, installs that 4 KiB translation with the frame translated through the
//     p2m (update_va_mapping; missing intermediate tables come from a small pool, made
//     read-only and linked with mmu_update), then resumes the kernel. Any other fault
//     goes to the kernel's own handler;
//   - a cr3 write flushes the whole software TLB (every installed translation is
//     removed, with one TLB flush), invlpg removes one: exactly the points where x86 lets
//     a TLB hold stale translations. With nothing installed they cost no hypercall:
//     every other translation is Xen's own, which the kernel's stores cannot change;
//   - an ANNOTATED page-table write (site_abi.h section 6a: page_table_store and
//     page_table_exchange) is performed on the kernel's table, then every installed
//     translation derived from that entry is derived again (the new frame through the
//     p2m, flags validated, update_va_mapping) or removed, so a kernel that annotates its
//     entry stores needs no invlpg for correctness here.
// Addresses Xen itself maps (the image, start info, Xen's tables) keep Xen's translation.
// A kernel that needs more (user address spaces, shared mappings of page-table pages)
// needs its tables to become Xen's, which no annotation of single stores can give.
#include "hypercall.h"
#include "page_walk.h"
#include "user_mode.h"
#include "xen_wedge_internal.h"

#include <afterburner/common/entry.h>

namespace afterburner::xen {
namespace {

constexpr uint64_t TableFlags = PagePresent | PageWritable | PageUser | PageAccessed;
constexpr uint64_t FaultInUserMode = 1u << 2; // page-fault error code: Xen sets it for ring 3
constexpr uint64_t NoAddress = ~0ull;
constexpr unsigned PoolPages = 16;
constexpr unsigned Entries = EntriesPerTable;

alignas(4096) uint64_t tablePool[PoolPages][Entries];
unsigned poolUsed = 0;

const start_info_t *start = nullptr;
uint64_t cr3Shadow = 0;
bool limitReported = false;

const unsigned long *p2m() {
  return (const unsigned long *)start->mfn_list;
}
const unsigned long *m2p() {
  return (const unsigned long *)__MACH2PHYS_VIRT_START;
}

uint64_t machineOf(const void *pointer) {
  return uint64_t(p2m()[uintptr_t(pointer) >> 12]) << 12 | (uintptr_t(pointer) & 0xfff);
}

// A Xen page-table page, readable at its pseudo-physical address (VIRT_BASE 0).
uint64_t *tableOfMachineFrame(uint64_t entry) {
  const uint64_t pfn = m2p()[(entry & AddressMask) >> 12];
  return (uint64_t *)(uintptr_t)(pfn << 12);
}

long mmuUpdate(uint64_t machineAddress, uint64_t value) {
  mmu_update_t request{machineAddress | MMU_NORMAL_PT_UPDATE, value};
  return hypercall<__HYPERVISOR_mmu_update>((unsigned long)&request, 1, 0, DOMID_SELF);
}

// A new empty table linked at parent[index]: zeroed while writable, then read-only.
uint64_t *newTable(uint64_t *parent, unsigned index) {
  if (poolUsed == PoolPages)
    return nullptr;
  uint64_t *table = tablePool[poolUsed++];
  for (unsigned entry = 0; entry < Entries; ++entry)
    table[entry] = 0;
  const uint64_t frame = machineOf(table) & AddressMask;
  if (updateVaMapping((unsigned long)table, frame | PagePresent | PageUser | PageAccessed,
                      UVMF_INVLPG) != 0)
    return nullptr;
  if (mmuUpdate(machineOf(&parent[index]), frame | TableFlags) != 0)
    return nullptr;
  return table;
}

// Xen's level-1 entry for address, creating the missing tables when asked.
uint64_t *xenLeafEntry(uint64_t address, bool create) {
  uint64_t *table = (uint64_t *)start->pt_base;
  for (unsigned level = 4; level > 1; --level) {
    const unsigned index = tableIndex(address, level);
    if (table[index] & PageLarge)
      return nullptr;
    if (!(table[index] & PagePresent)) {
      if (!create || !(table = newTable(table, index)))
        return nullptr;
      continue;
    }
    table = tableOfMachineFrame(table[index]);
  }
  return &table[tableIndex(address, 1)];
}

bool mappedByXen(uint64_t address) {
  const uint64_t *entry = xenLeafEntry(address, false);
  return entry && (*entry & PagePresent);
}

void reportLimitOnce() {
  if (limitReported)
    return;
  limitReported = true;
  consoleWrite("afterburner xen: the kernel's page tables stay unloaded (PV tables hold machine "
               "frames); Xen's tables act as a software TLB filled from them on page faults\n");
}

// The kernel's table at a pseudo-physical address, if Xen's map reaches it.
const uint64_t *kernelTable(uint64_t physical) {
  const uint64_t address = physical & AddressMask;
  return mappedByXen(address) ? (const uint64_t *)(uintptr_t)address : nullptr;
}

KernelWalk walkKernel(uint64_t address) {
  return walkKernelTables(cr3Shadow, address, kernelTable);
}

// The pseudo-physical address the CPU reaches at a virtual address through Xen's real
// tables (which hold the pages the wedge installed too), or NoAddress.
uint64_t pseudoPhysicalOf(uint64_t address) {
  const uint64_t *entry = xenLeafEntry(address, false);
  if (!entry || !(*entry & PagePresent))
    return NoAddress;
  return uint64_t(m2p()[(*entry & AddressMask) >> 12]) << 12 | (address & 0xfff);
}

// The software TLB: the pages the wedge installed, oldest first.
constexpr unsigned TlbCapacity = 256;
uint64_t installed[TlbCapacity];
unsigned installedCount = 0;

void removeTranslation(uint64_t address, unsigned long flush) {
  updateVaMapping(address, 0, flush);
}

void evictOldest() {
  removeTranslation(installed[0], UVMF_INVLPG);
  for (unsigned index = 1; index < installedCount; ++index)
    installed[index - 1] = installed[index];
  --installedCount;
}

// Installs the kernel's translation of address; false when the fault is the kernel's.
bool fillTranslation(uint64_t address, uint64_t errorCode) {
  const uint64_t page = address & ~0xfffull;
  const uint64_t leaf = walkKernel(page).leaf;
  const uint64_t entry = xenEntryFor(leaf, p2m(), start->nr_pages);
  if (!entry)
    return false;
  if ((errorCode & 2) && !(leaf & PageWritable))
    return false;
  if ((errorCode & FaultInUserMode) && !(leaf & PageUser))
    return false;
  uint64_t *current = xenLeafEntry(page, true);
  if (!current || (*current & PagePresent))
    return false; // Xen's own mapping, or no room for a table
  if (installedCount == TlbCapacity)
    evictOldest();
  // No flush: the entry was not present, and x86 never caches a not-present entry.
  if (updateVaMapping(page, entry, UVMF_NONE) != 0)
    return false;
  installed[installedCount++] = page;
  return true;
}

// Ring 3 runs on the user page table (user_mode.cpp), which holds the top-level slots the
// kernel's own PML4 marks user-accessible, each pointing at the subtree Xen's kernel-mode
// table has there. A user-mode fault in a slot not linked yet links it (giving Xen's table
// a subtree first if it has none) and retries; a slot the kernel keeps to itself is the
// kernel's fault.
bool linkUserSlotOf(uint64_t address) {
  const unsigned slot = tableIndex(address, 4);
  const uint64_t *kernelTop = kernelTable(cr3Shadow);
  if (!kernelTop || !userSlotAllowed(kernelTop[slot], slot))
    return false;
  uint64_t *xenTop = (uint64_t *)start->pt_base;
  if (!(xenTop[slot] & PagePresent) && !newTable(xenTop, slot))
    return false;
  return linkUserSlot(slot, xenTop[slot]);
}

// After a store into the kernel's entry at entryPhysical: every installed translation
// whose walk read that entry is derived again from the kernel's tables as they are now,
// or removed when they no longer map the page to RAM the domain owns.
void refreshTranslationsOf(uint64_t entryPhysical) {
  for (unsigned index = 0; index < installedCount;) {
    const uint64_t page = installed[index];
    const KernelWalk walk = walkKernel(page);
    if (!walkReads(walk, entryPhysical)) {
      ++index;
      continue;
    }
    const uint64_t entry = xenEntryFor(walk.leaf, p2m(), start->nr_pages);
    if (entry && updateVaMapping(page, entry, UVMF_INVLPG) == 0) {
      ++index;
      continue;
    }
    removeTranslation(page, UVMF_INVLPG);
    installed[index] = installed[--installedCount];
  }
}

// page_table_store / page_table_exchange (site_abi.h section 6a).
void writePageTableEntry(SiteFrame &frame, const afterburner_site &site) {
  const bool exchange = site.op == AFTERBURNER_OP_page_table_exchange;
  if (site.operand_width != 8 && site.operand_width != 4)
    afterburner_common_halt_unimplemented(&site, frame.returnAddress);
  const uint64_t address = effectiveAddress(frame, site, segmentBases());
  // The kernel's tables are plain memory under the software TLB; a table page not yet
  // installed faults here and is filled like any other access.
  const uint64_t previous =
      writeEntry(address, readRegister(frame, site.reg), site.operand_width, exchange);
  if (exchange)
    writeRegister(frame, site.reg, previous, site.operand_width);
  if (installedCount == 0)
    return; // nothing derived from any entry: the next miss reads the new value
  const uint64_t physical = pseudoPhysicalOf(address);
  if (physical != NoAddress)
    refreshTranslationsOf(physical);
}

} // namespace

void mmuInitialize(const start_info_t *startInfo) {
  start = startInfo;
  cr3Shadow = start->pt_base; // pseudo-physical == virtual with VIRT_BASE 0
}

uint64_t shadowCr3() {
  return cr3Shadow;
}

// Flushes the software TLB: every installed translation goes, the last removal flushing
// the real TLB. With nothing installed there is nothing to flush: every translation the
// CPU may hold is Xen's own, which the kernel cannot have changed, so a cr3 reload then
// costs no hypercall at all.
void writeCr3(uint64_t value) {
  if ((value & AddressMask) != (start->pt_base & AddressMask))
    reportLimitOnce();
  cr3Shadow = value;
  unlinkUserSlots();
  if (installedCount == 0)
    return;
  for (unsigned index = 0; index + 1 < installedCount; ++index)
    removeTranslation(installed[index], UVMF_NONE);
  removeTranslation(installed[installedCount - 1], UVMF_TLB_FLUSH | UVMF_LOCAL);
  installedCount = 0;
}

// invlpg of a page the wedge installed removes it; any other page's translation is Xen's.
void invalidatePage(uint64_t address) {
  const uint64_t page = address & ~0xfffull;
  for (unsigned index = 0; index < installedCount; ++index) {
    if (installed[index] != page)
      continue;
    removeTranslation(page, UVMF_INVLPG);
    installed[index] = installed[--installedCount];
    return;
  }
}

bool pageFault(uint64_t errorCode) {
  constexpr uint64_t ProtectionViolation = 1;
  if (errorCode & ProtectionViolation)
    return false;
  const uint64_t address = vcpu()->arch.cr2;
  if ((errorCode & FaultInUserMode) && !userSlotLinked(tableIndex(address, 4)))
    return linkUserSlotOf(address);
  return fillTranslation(address, errorCode);
}

} // namespace afterburner::xen

using namespace afterburner::xen;

// The page-fault stub (irq_x86_64.S): true when the wedge resolved the fault.
extern "C" int afterburner_xen_on_page_fault(uint64_t errorCode) {
  return pageFault(errorCode);
}

extern "C" void afterburner_xen_handle_mmu(SiteFrame *frame, const afterburner_site *site) {
  switch (site->op) {
  case AFTERBURNER_OP_read_cr3:
    writeRegister(*frame, site->base, shadowCr3(), 8);
    return;
  case AFTERBURNER_OP_write_cr3:
    writeCr3(readRegister(*frame, site->base));
    return;
  case AFTERBURNER_OP_invlpg:
    invalidatePage(effectiveAddress(*frame, *site, segmentBases()));
    return;
  case AFTERBURNER_OP_page_table_store:
  case AFTERBURNER_OP_page_table_exchange:
    writePageTableEntry(*frame, *site);
    return;
  default:
    afterburner_common_halt_unimplemented(site, frame->returnAddress);
  }
}
