// auto_ops.cpp: the bench's op loops as a bare-metal kernel writes them, assembled by
// afterburner-as so every sensitive instruction is a site; the loader patches them to
// the Xen wedge at boot. The same loops, in the same boot as the hand-written ones
// (manual_bench.cpp), give an Auto-vs-Manual ratio that a loaded machine cannot skew.
// Each returns the TSC cycles of `iterations` rounds.
#include "bench_ops.h"

namespace {

inline uint64_t readTimestamp() {
  uint32_t low, high;
  asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
  return uint64_t(high) << 32 | low;
}

template <typename Operation> uint64_t timeLoop(uint64_t iterations, Operation operation) {
  const uint64_t start = readTimestamp();
  for (uint64_t iteration = 0; iteration < iterations; ++iteration)
    operation();
  return readTimestamp() - start;
}

inline uint8_t inByte(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

inline void outByte(uint16_t port, uint8_t value) {
  asm volatile("outb %0, %1" ::"a"(value), "Nd"(port));
}

} // namespace

extern "C" {

uint64_t auto_cli_sti(uint64_t iterations) {
  return timeLoop(iterations, [] { asm volatile("cli; sti" ::: "memory"); });
}

uint64_t auto_pushf_popf(uint64_t iterations) {
  return timeLoop(iterations, [] {
    uint64_t flags;
    asm volatile("pushfq; popq %0" : "=r"(flags)::"memory");
    asm volatile("pushq %0; popfq" ::"r"(flags) : "memory", "cc");
  });
}

uint64_t auto_cpuid(uint64_t iterations) {
  return timeLoop(iterations, [] {
    uint32_t eax = 0, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  });
}

uint64_t auto_rdmsr(uint64_t iterations) {
  return timeLoop(iterations, [] {
    uint32_t low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(BenchMsrEfer));
  });
}

uint64_t auto_out_uart(uint64_t iterations) {
  return timeLoop(iterations, [] {
    outByte(BenchCom1 + 7, 0x5a);
    (void)inByte(BenchCom1 + 7);
  });
}

uint64_t auto_in_lsr(uint64_t iterations) {
  return timeLoop(iterations, [] { (void)inByte(BenchCom1 + 5); });
}

uint64_t auto_cr3_reload(uint64_t iterations) {
  return timeLoop(iterations, [] {
    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3)::"memory");
    asm volatile("mov %0, %%cr3" ::"r"(cr3) : "memory");
  });
}

uint64_t auto_invlpg(uint64_t iterations) {
  return timeLoop(iterations, [] {
    asm volatile("invlpg (%0)" ::"r"(BenchTestAddress) : "memory");
  });
}

// The site-call trampoline alone: write_cr2 is a site whose handler does nothing.
uint64_t auto_trampoline(uint64_t iterations) {
  return timeLoop(iterations, [] { asm volatile("mov %0, %%cr2" ::"r"(0ull) : "memory"); });
}

uint64_t auto_exception(uint64_t iterations) {
  return timeLoop(iterations, [] { asm volatile("ud2" ::: "memory"); });
}

} // extern "C"

// The bare-metal kernel's lidt (a site: the wedge turns it into set_trap_table).
extern "C" void loadAutoIdt(uint16_t limit, uint64_t base) {
  struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
  } pointer{limit, base};
  asm volatile("lidt %0" ::"m"(pointer) : "memory");
}

// A site whose op the Xen wedge leaves UNIMPLEMENTED (wbinvd): it must halt the domain
// naming the op (the bench runs it only when asked: probe_unimplemented on its command line).
extern "C" void auto_unimplemented() {
  asm volatile("wbinvd" ::: "memory");
}
