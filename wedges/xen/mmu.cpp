// mmu.cpp: control register 3 and the TLB under Xen PV.
//
// The limit, stated plainly: a PV kernel's page tables hold MACHINE frames, must be
// read-only and are validated by Xen, so the kernel's own tables (plain stores of
// pseudo-physical addresses into writable memory) can never be loaded into cr3. The wedge
// keeps running on Xen's initial page tables instead and acts as a software TLB: at the
// points where x86 lets a TLB hold stale translations anyway (a cr3 write, invlpg), it
// walks the kernel's tables and mirrors their 4 KiB mappings into Xen's tables, with the
// frames translated through the p2m (update_va_mapping; intermediate tables allocated
// from a small pool, made read-only and linked with mmu_update). Large pages are not
// mirrored: the kernel's 2 MiB identity map coincides with Xen's own map of the image,
// and memory beyond that stays unreachable. A kernel that needs more (user address
// spaces, many mappings) needs the page-table annotations of the assembler issue.
#include "hypercall.h"
#include "xen_wedge_internal.h"

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

const unsigned long *p2m() { return (const unsigned long *)start->mfn_list; }
const unsigned long *m2p() { return (const unsigned long *)__MACH2PHYS_VIRT_START; }

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
               "frames); cr3 writes and invlpg mirror its 4 KiB mappings into Xen's tables\n");
}

// One kernel 4 KiB mapping into Xen's tables; returns true when something changed.
bool mirrorPage(uint64_t address, uint64_t kernelEntry) {
  const uint64_t pfn = (kernelEntry & AddressMask) >> 12;
  if (!(kernelEntry & PagePresent) || pfn >= start->nr_pages)
    return false; // only RAM the domain owns; unmapping Xen's view is never needed here
  const uint64_t flags = (kernelEntry & (PageWritable | PageNoExecute)) | PagePresent |
                         PageUser | PageAccessed | PageDirty;
  const uint64_t wanted = uint64_t(p2m()[pfn]) << 12 | flags;
  uint64_t *current = xenLeafEntry(address, true);
  if (!current)
    return false;
  if ((*current & (AddressMask | PagePresent | PageWritable)) ==
      (wanted & (AddressMask | PagePresent | PageWritable)))
    return false;
  updateVaMapping(address, wanted, UVMF_INVLPG);
  return true;
}

// The kernel's table at a pseudo-physical address, if Xen's map reaches it.
const uint64_t *kernelTable(uint64_t entry) {
  const uint64_t address = entry & AddressMask;
  return mappedByXen(address) ? (const uint64_t *)(uintptr_t)address : nullptr;
}

void mirrorTable(const uint64_t *table, unsigned level, uint64_t base) {
  for (unsigned index = 0; index < Entries; ++index) {
    const uint64_t entry = table[index];
    if (!(entry & PagePresent))
      continue;
    uint64_t address = base | uint64_t(index) << (12 + 9 * (level - 1));
    if (level == 4 && (address & (1ull << 47)))
      address |= 0xffff000000000000ull; // canonical upper half
    if (level == 1) {
      mirrorPage(address, entry);
      continue;
    }
    if (entry & PageLarge)
      continue; // not mirrored: see the limit above
    if (const uint64_t *next = kernelTable(entry))
      mirrorTable(next, level - 1, address);
  }
}

// The kernel's leaf entry for one address, or 0.
uint64_t kernelLeafEntry(uint64_t address) {
  const uint64_t *table = kernelTable(cr3Shadow);
  for (unsigned level = 4; table && level > 1; --level) {
    const uint64_t entry = table[tableIndex(address, level)];
    if (!(entry & PagePresent) || (entry & PageLarge))
      return 0;
    table = kernelTable(entry);
  }
  return table ? table[tableIndex(address, 1)] : 0;
}

void flushLocal(unsigned command, uint64_t address) {
  mmuext_op operation{};
  operation.cmd = command;
  operation.arg1.linear_addr = address;
  mmuextOp(&operation, 1);
}

bool isXenTables(uint64_t cr3) { return (cr3 & AddressMask) == (start->pt_base & AddressMask); }

} // namespace

void mmuInitialize(const start_info_t *startInfo) {
  start = startInfo;
  cr3Shadow = start->pt_base; // pseudo-physical == virtual with VIRT_BASE 0
}

uint64_t shadowCr3() { return cr3Shadow; }

void writeCr3(uint64_t value) {
  cr3Shadow = value;
  if (!isXenTables(value)) {
    reportLimitOnce();
    if (const uint64_t *root = kernelTable(value))
      mirrorTable(root, 4, 0);
  }
  flushLocal(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

void invalidatePage(uint64_t address) {
  if (!isXenTables(cr3Shadow)) {
    const uint64_t entry = kernelLeafEntry(address);
    if (entry && mirrorPage(address, entry))
      return; // update_va_mapping already invalidated it
  }
  flushLocal(MMUEXT_INVLPG_LOCAL, address);
}

} // namespace afterburner::xen

using namespace afterburner::xen;

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
    afterburner_xen_handle_unimplemented(frame, site);
  }
}
