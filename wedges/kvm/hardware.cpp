// hardware.cpp: real cpuid, wrmsr, rdtsc and port I/O (see hardware.h).
#include "hardware.h"

namespace afterburner::kvm::hardware {

CpuidResult cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidResult result;
  asm volatile("cpuid"
               : "=a"(result.eax), "=b"(result.ebx), "=c"(result.ecx), "=d"(result.edx)
               : "a"(leaf), "c"(subleaf));
  return result;
}

ControlState controlState() {
  ControlState state{};
  asm volatile("mov %%cr4, %0" : "=r"(state.cr4));
  if (state.cr4 & Cr4OsXsave) {
    uint32_t low;
    uint32_t high;
    asm volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    state.xcr0 = static_cast<uint64_t>(high) << 32 | low;
  }
  return state;
}

void writeMsr(uint32_t msr, uint64_t value) {
  asm volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(value)),
               "d"(static_cast<uint32_t>(value >> 32))
               : "memory");
}

uint64_t readTimestamp() {
  uint32_t low;
  uint32_t high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return static_cast<uint64_t>(high) << 32 | low;
}

uint32_t portIn(uint16_t port, unsigned width) {
  uint32_t value = 0;
  if (width == 1) {
    uint8_t byte;
    asm volatile("inb %1, %0" : "=a"(byte) : "Nd"(port));
    value = byte;
  } else if (width == 2) {
    uint16_t word;
    asm volatile("inw %1, %0" : "=a"(word) : "Nd"(port));
    value = word;
  } else {
    asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
  }
  return value;
}

void portOut(uint16_t port, unsigned width, uint32_t value) {
  if (width == 1)
    asm volatile("outb %0, %1" ::"a"(static_cast<uint8_t>(value)), "Nd"(port));
  else if (width == 2)
    asm volatile("outw %0, %1" ::"a"(static_cast<uint16_t>(value)), "Nd"(port));
  else
    asm volatile("outl %0, %1" ::"a"(value), "Nd"(port));
}

void portOutBytes(uint16_t port, const uint8_t *bytes, size_t count) {
  asm volatile("cld; rep outsb" : "+S"(bytes), "+c"(count) : "d"(port) : "memory");
}

// The string forms honour the interrupted code's DF, and clear it again for the
// compiler's code (System V ABI).
void stringOut(StringIo &io) {
  if (io.width == 1)
    asm volatile("testb %b[back], %b[back]; jz 1f; std; 1: rep outsb; cld"
                 : "+S"(io.address), "+c"(io.count)
                 : "d"(io.port), [back] "q"(static_cast<uint8_t>(io.backward))
                 : "memory", "cc");
  else if (io.width == 2)
    asm volatile("testb %b[back], %b[back]; jz 1f; std; 1: rep outsw; cld"
                 : "+S"(io.address), "+c"(io.count)
                 : "d"(io.port), [back] "q"(static_cast<uint8_t>(io.backward))
                 : "memory", "cc");
  else
    asm volatile("testb %b[back], %b[back]; jz 1f; std; 1: rep outsl; cld"
                 : "+S"(io.address), "+c"(io.count)
                 : "d"(io.port), [back] "q"(static_cast<uint8_t>(io.backward))
                 : "memory", "cc");
}

} // namespace afterburner::kvm::hardware
