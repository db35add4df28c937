// descriptors.cpp: the kernel's own GDT (with a TSS) and IDT.
#include "cpu.h"
#include "internal.h"

namespace kernel {
namespace {

constexpr uint16_t SelectorCode = 0x08;
constexpr uint16_t SelectorData = 0x10;
constexpr uint16_t SelectorTss = 0x18;
constexpr unsigned VectorCount = 48;
constexpr unsigned StubSpacing = 16; // interrupts.S aligns every stub to 16 bytes
constexpr unsigned VectorDoubleFault = 8;

struct __attribute__((packed)) TaskState {
  uint32_t reserved0;
  uint64_t stackPointers[3];
  uint64_t reserved1;
  uint64_t interruptStacks[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t ioMapBase;
};

struct __attribute__((packed)) GateDescriptor {
  uint16_t offsetLow;
  uint16_t selector;
  uint8_t interruptStack;
  uint8_t typeAttributes;
  uint16_t offsetMiddle;
  uint32_t offsetHigh;
  uint32_t reserved;
};

struct __attribute__((packed)) TablePointer {
  uint16_t limit;
  uint64_t base;
};

alignas(16) uint64_t gdt[5];
alignas(16) TaskState taskState;
alignas(16) GateDescriptor idt[VectorCount];
alignas(16) uint8_t doubleFaultStack[4096];

uint64_t tssDescriptorLow(uint64_t base, uint32_t limit) {
  return (limit & 0xffffu) | (base & 0xffffffu) << 16 | 0x89ull << 40 |
         (uint64_t)((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
}

void loadGdt() {
  TablePointer pointer{sizeof gdt - 1, (uint64_t)gdt};
  asm volatile("lgdt %0" ::"m"(pointer) : "memory");
  // A far return reloads %cs; then the data segments.
  asm volatile("pushq %[code]\n\t"
               "leaq 1f(%%rip), %%rax\n\t"
               "pushq %%rax\n\t"
               "lretq\n"
               "1:\n\t"
               "movl %[data], %%eax\n\t"
               "movl %%eax, %%ds\n\t"
               "movl %%eax, %%es\n\t"
               "movl %%eax, %%ss\n\t"
               :
               : [code] "i"(SelectorCode), [data] "i"(SelectorData)
               : "rax", "memory");
  asm volatile("ltr %0" ::"r"(SelectorTss) : "memory");
}

void setGate(unsigned vector, uint8_t interruptStack) {
  uintptr_t stub = (uintptr_t)kernel_interrupt_stubs + vector * StubSpacing;
  GateDescriptor &gate = idt[vector];
  gate.offsetLow = (uint16_t)stub;
  gate.selector = SelectorCode;
  gate.interruptStack = interruptStack;
  gate.typeAttributes = 0x8e; // present, ring 0, 64-bit interrupt gate
  gate.offsetMiddle = (uint16_t)(stub >> 16);
  gate.offsetHigh = (uint32_t)(stub >> 32);
  gate.reserved = 0;
}

} // namespace

void initializeDescriptors() {
  taskState.interruptStacks[0] = (uint64_t)(doubleFaultStack + sizeof doubleFaultStack);
  taskState.ioMapBase = sizeof taskState; // no I/O permission bitmap
  gdt[0] = 0;
  gdt[1] = 0x00af9a000000ffffull; // 64-bit ring-0 code
  gdt[2] = 0x00cf92000000ffffull; // ring-0 data
  gdt[3] = tssDescriptorLow((uint64_t)&taskState, sizeof taskState - 1);
  gdt[4] = (uint64_t)&taskState >> 32;
  loadGdt();
  for (unsigned vector = 0; vector < VectorCount; ++vector)
    setGate(vector, vector == VectorDoubleFault ? 1 : 0);
  TablePointer pointer{sizeof idt - 1, (uint64_t)idt};
  asm volatile("lidt %0" ::"m"(pointer) : "memory");
}

} // namespace kernel
