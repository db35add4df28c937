// paging.cpp: the kernel's own page tables. An identity map of the first 4 GiB in 2 MiB
// pages (the image is linked at 1 MiB and runs at its link addresses everywhere; the top
// GiB, the 32-bit MMIO hole with the local APIC, uncached), and one 4 KiB test page at
// 4 GiB whose frame the self-checks switch to exercise invlpg and cr3 reloads. Everything
// writable: the loader patches the kernel's text.
#include "cpu.h"
#include "internal.h"

namespace kernel {
namespace {

constexpr uint64_t PagePresent = 1u << 0;
constexpr uint64_t PageWritable = 1u << 1;
constexpr uint64_t PageWriteThrough = 1u << 3;
constexpr uint64_t PageCacheDisable = 1u << 4;
constexpr uint64_t PageLarge = 1u << 7;
constexpr uint64_t LargePageSize = 2u << 20;
constexpr unsigned IdentityGigabytes = 4;
constexpr unsigned MmioGigabyte = 3;                                      // 0xc0000000-0xffffffff
constexpr uintptr_t TestPageAddress = (uintptr_t)IdentityGigabytes << 30; // PDPT entry 4
constexpr unsigned EntriesPerTable = 512;

using Table = uint64_t[EntriesPerTable];

alignas(4096) Table pml4;
alignas(4096) Table pdptLow;
alignas(4096) Table pdIdentity[IdentityGigabytes];
alignas(4096) Table pdTest;
alignas(4096) Table ptTest;
alignas(4096) uint64_t testFrames[2][EntriesPerTable];

constexpr uint64_t Markers[2] = {0xa0a0a0a0a0a0a0a0ull, 0xb1b1b1b1b1b1b1b1ull};

uint64_t tableEntry(const void *table) {
  return (uint64_t)(uintptr_t)table | PagePresent | PageWritable;
}

// EFER.NXE through rdmsr/wrmsr, when the CPU has NX: the kernel's one MSR write at boot.
void enableNoExecute() {
  if (cpu::cpuid(0x80000000).eax < 0x80000001)
    return;
  if (!(cpu::cpuid(0x80000001).edx & (1u << 20)))
    return;
  uint64_t efer = cpu::readMsr(cpu::MsrEfer);
  if (!(efer & cpu::EferNoExecuteEnable))
    cpu::writeMsr(cpu::MsrEfer, efer | cpu::EferNoExecuteEnable);
}

void mapIdentityGigabyte(unsigned gigabyte) {
  uint64_t attributes = PagePresent | PageWritable | PageLarge;
  if (gigabyte == MmioGigabyte)
    attributes |= PageCacheDisable | PageWriteThrough;
  uint64_t base = (uint64_t)gigabyte << 30;
  for (unsigned index = 0; index < EntriesPerTable; ++index)
    pdIdentity[gigabyte][index] = (base + index * LargePageSize) | attributes;
  pdptLow[gigabyte] = tableEntry(pdIdentity[gigabyte]);
}

} // namespace

void initializePaging() {
  for (unsigned gigabyte = 0; gigabyte < IdentityGigabytes; ++gigabyte)
    mapIdentityGigabyte(gigabyte);
  pdptLow[IdentityGigabytes] = tableEntry(pdTest);
  pdTest[0] = tableEntry(ptTest);
  pml4[0] = tableEntry(pdptLow);
  for (unsigned frame = 0; frame < 2; ++frame)
    testFrames[frame][0] = Markers[frame];
  ptTest[0] = tableEntry(testFrames[0]);
  enableNoExecute();
  cpu::writeCr3((uint64_t)(uintptr_t)pml4);
}

uint64_t identityMapLimit() {
  return (uint64_t)IdentityGigabytes << 30;
}
uintptr_t testPageAddress() {
  return TestPageAddress;
}
uint64_t testFrameMarker(unsigned frame) {
  return Markers[frame & 1];
}

// The one entry the kernel rewrites while its tables are live: an annotated store.
void mapTestPage(unsigned frame) {
  cpu::storePageTableEntry(&ptTest[0], tableEntry(testFrames[frame & 1]));
}

void reloadPageTables() {
  cpu::writeCr3(cpu::readCr3());
}

} // namespace kernel
