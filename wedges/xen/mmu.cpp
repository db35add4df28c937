// mmu.cpp: control register 3, the TLB and page faults under Xen PV.
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
//     every other translation is Xen's own, which the kernel's stores cannot change.
// Addresses Xen itself maps (the image, start info, Xen's tables) keep Xen's translation.
// A kernel that needs more (user address spaces, shared mappings of page-table pages)
// needs the page-table annotations of the assembler issue.
#include "hypercall.h"
#include "xen_wedge_internal.h"

#include <afterburner/common/entry.h>

namespace afterburner::xen {
namespace {

constexpr uint64_t PagePresent = 1u << 0;
constexpr uint64_t PageWritable = 1u << 1;
constexpr uint64_t PageUser = 1u << 2;
constexpr uint64_t PageAccessed = 1u << 5;
constexpr uint64_t PageDirty = 1u << 6;
constexpr uint64_t PageLarge = 1u << 7;
constexpr uint64_t PageNoExecute = 1ull << 63;
constexpr uint64_t AddressMask = 0x000ffffffffff000ull;
constexpr uint64_t TableFlags = PagePresent | PageWritable | PageUser | PageAccessed;
constexpr unsigned PoolPages = 16;
constexpr unsigned Entries = 512;

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

unsigned tableIndex(uint64_t address, unsigned level) {
  return unsigned(address >> (12 + 9 * (level - 1))) & (Entries - 1);
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
const uint64_t *kernelTable(uint64_t entry) {
  const uint64_t address = entry & AddressMask;
  return mappedByXen(address) ? (const uint64_t *)(uintptr_t)address : nullptr;
}

// The kernel's translation of one 4 KiB page as a leaf entry (large pages split), or 0.
uint64_t kernelLeafEntry(uint64_t address) {
  const uint64_t *table = kernelTable(cr3Shadow);
  for (unsigned level = 4; table && level > 1; --level) {
    const uint64_t entry = table[tableIndex(address, level)];
    if (!(entry & PagePresent))
      return 0;
    if ((entry & PageLarge) && level <= 3) {
      const uint64_t size = 1ull << (12 + 9 * (level - 1));
      const uint64_t frame = (entry & AddressMask & ~(size - 1)) + (address & (size - 1));
      return (frame & AddressMask) | (entry & ~AddressMask & ~PageLarge & ~0x1000ull);
    }
    table = kernelTable(entry);
  }
  return table ? table[tableIndex(address, 1)] : 0;
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
  const uint64_t entry = kernelLeafEntry(page);
  const uint64_t pfn = (entry & AddressMask) >> 12;
  if (!(entry & PagePresent) || pfn >= start->nr_pages)
    return false;
  if ((errorCode & 2) && !(entry & PageWritable))
    return false;
  uint64_t *current = xenLeafEntry(page, true);
  if (!current || (*current & PagePresent))
    return false; // Xen's own mapping, or no room for a table
  const uint64_t flags =
      (entry & (PageWritable | PageNoExecute)) | PagePresent | PageUser | PageAccessed | PageDirty;
  if (installedCount == TlbCapacity)
    evictOldest();
  // No flush: the entry was not present, and x86 never caches a not-present entry.
  if (updateVaMapping(page, uint64_t(p2m()[pfn]) << 12 | flags, UVMF_NONE) != 0)
    return false;
  installed[installedCount++] = page;
  return true;
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
  return fillTranslation(vcpu()->arch.cr2, errorCode);
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
  default:
    afterburner_common_halt_unimplemented(site, frame->returnAddress);
  }
}
