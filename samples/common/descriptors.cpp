// descriptors.cpp: the kernel's own GDT (with a TSS) and IDT.
#include "descriptors.h"

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

alignas(16) uint64_t gdt[5];
alignas(16) TaskState taskState;
alignas(16) GateDescriptor idt[VectorCount];
alignas(16) uint8_t doubleFaultStack[4096];

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

uint64_t segmentDescriptor(bool code, unsigned privilege, bool longMode) {
  const uint64_t access = (code ? 0x9aull : 0x92ull) | uint64_t(privilege) << 5;
  const uint64_t flags = longMode ? 0xa : 0xc; // G + L, or G + D/B
  return 0xffffull | access << 40 | 0xfull << 48 | flags << 52;
}

uint64_t tssDescriptorLow(uint64_t base, uint32_t limit) {
  return (limit & 0xffffu) | (base & 0xffffffu) << 16 | 0x89ull << 40 |
         (uint64_t)((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
}

void loadGlobalDescriptors(const uint64_t *table, size_t bytes, uint16_t codeSelector,
                           uint16_t dataSelector, uint16_t taskSelector) {
  TablePointer pointer{uint16_t(bytes - 1), (uint64_t)table};
  asm volatile("lgdt %0" ::"m"(pointer) : "memory");
  asm volatile("pushq %[code]\n\t"
               "leaq 1f(%%rip), %%rax\n\t"
               "pushq %%rax\n\t"
               "lretq\n"
               "1:\n\t"
               "movl %[data], %%ds\n\t"
               "movl %[data], %%es\n\t"
               "movl %[data], %%ss\n\t"
               :
               : [code] "r"(uint64_t(codeSelector)), [data] "r"(uint32_t(dataSelector))
               : "rax", "memory");
  asm volatile("ltr %0" ::"r"(taskSelector) : "memory");
}

void initializeDescriptors() {
  taskState.interruptStacks[0] = (uint64_t)(doubleFaultStack + sizeof doubleFaultStack);
  taskState.ioMapBase = sizeof taskState; // no I/O permission bitmap
  gdt[0] = 0;
  gdt[1] = segmentDescriptor(true, 0, true);
  gdt[2] = segmentDescriptor(false, 0, false);
  gdt[3] = tssDescriptorLow((uint64_t)&taskState, sizeof taskState - 1);
  gdt[4] = (uint64_t)&taskState >> 32;
  loadGlobalDescriptors(gdt, sizeof gdt, SelectorCode, SelectorData, SelectorTss);
  for (unsigned vector = 0; vector < VectorCount; ++vector)
    setGate(vector, vector == VectorDoubleFault ? 1 : 0);
  TablePointer pointer{sizeof idt - 1, (uint64_t)idt};
  asm volatile("lidt %0" ::"m"(pointer) : "memory");
}

} // namespace kernel
