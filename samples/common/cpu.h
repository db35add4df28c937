// cpu.h: every privileged or virtualization-sensitive instruction the sample kernels use,
// one inline function each. Compiled through afterburner-as, each of these becomes a site:
// native on bare metal, rewritten by the loader for the hypervisor it finds.
#pragma once

#include <stdint.h>

namespace kernel::cpu {

constexpr uint64_t FlagCarry = 1u << 0;
constexpr uint64_t FlagParity = 1u << 2;
constexpr uint64_t FlagAdjust = 1u << 4;
constexpr uint64_t FlagZero = 1u << 6;
constexpr uint64_t FlagSign = 1u << 7;
constexpr uint64_t FlagInterrupt = 1u << 9;
constexpr uint64_t FlagDirection = 1u << 10;
constexpr uint64_t FlagOverflow = 1u << 11;
constexpr uint64_t ArithmeticFlags =
    FlagCarry | FlagParity | FlagAdjust | FlagZero | FlagSign | FlagOverflow;

constexpr uint32_t MsrApicBase = 0x1b;
constexpr uint64_t ApicBaseEnable = 1u << 11;
constexpr uint32_t MsrEfer = 0xc0000080;
constexpr uint64_t EferLongModeEnable = 1u << 8;
constexpr uint64_t EferLongModeActive = 1u << 10;
constexpr uint64_t EferNoExecuteEnable = 1u << 11;

inline void disableInterrupts() {
  asm volatile("cli" ::: "memory");
}
inline void enableInterrupts() {
  asm volatile("sti" ::: "memory");
}

inline uint64_t readFlags() {
  uint64_t flags;
  asm volatile("pushfq; popq %0" : "=r"(flags)::"memory");
  return flags;
}

inline void writeFlags(uint64_t flags) {
  asm volatile("pushq %0; popfq" ::"r"(flags) : "memory", "cc");
}

// Saves the flags and disables interrupts: the opening of a critical section.
inline uint64_t saveFlagsAndDisable() {
  uint64_t flags = readFlags();
  disableInterrupts();
  return flags;
}

// sti's one-instruction shadow makes "sti; hlt" wait without losing a wake-up on bare
// metal; with periodic timer interrupts a lost wake-up only costs one period elsewhere.
inline void enableInterruptsAndHalt() {
  asm volatile("sti; hlt" ::: "memory");
}
inline void halt() {
  asm volatile("hlt" ::: "memory");
}

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidResult result;
  asm volatile("cpuid"
               : "=a"(result.eax), "=b"(result.ebx), "=c"(result.ecx), "=d"(result.edx)
               : "a"(leaf), "c"(subleaf));
  return result;
}

inline uint64_t readMsr(uint32_t msr) {
  uint32_t low, high;
  asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
  return (uint64_t)high << 32 | low;
}

inline void writeMsr(uint32_t msr, uint64_t value) {
  asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
}

inline uint64_t readTimestamp() {
  uint32_t low, high;
  asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
  return (uint64_t)high << 32 | low;
}

inline uint64_t readCr2() {
  uint64_t value;
  asm volatile("mov %%cr2, %0" : "=r"(value));
  return value;
}

inline uint64_t readCr3() {
  uint64_t value;
  asm volatile("mov %%cr3, %0" : "=r"(value)::"memory");
  return value;
}

inline void writeCr3(uint64_t value) {
  asm volatile("mov %0, %%cr3" ::"r"(value) : "memory");
}

// Stores a page-table entry. Built with afterburner-as, the store is an ANNOTATED site
// (site_abi.h section 6a: `.afterburner_page_table_store`), so a wedge whose platform does
// not walk the kernel's tables itself (Xen PV) sees the new entry; natively, and on the
// other platforms, it is this one movq.
inline void storePageTableEntry(volatile uint64_t *entry, uint64_t value) {
#ifdef AFTERBURNER_SITES_DIRECTIVES
  asm volatile(".afterburner_page_table_store\n\tmovq %1, %0"
               : "=m"(*entry)
               : "r"(value)
               : "memory");
#else
  asm volatile("movq %1, %0" : "=m"(*entry) : "r"(value) : "memory");
#endif
}

inline void invalidatePage(const volatile void *address) {
  asm volatile("invlpg (%0)" ::"r"(address) : "memory");
}

inline uint8_t inByte(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

inline void outByte(uint16_t port, uint8_t value) {
  asm volatile("outb %0, %1" ::"a"(value), "Nd"(port));
}

inline void outLong(uint16_t port, uint32_t value) {
  asm volatile("outl %0, %1" ::"a"(value), "Nd"(port));
}

inline void breakpoint() {
  asm volatile("int3" ::: "memory");
}
inline void undefinedInstruction() {
  asm volatile("ud2" ::: "memory");
}

} // namespace kernel::cpu
