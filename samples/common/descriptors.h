// descriptors.h: the x86-64 descriptor formats and the GDT load, for the kernel's own tables
// (descriptors.cpp) and for samples that build tables of their own (usermode).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

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

// A flat 4 GiB segment at privilege 0-3: code (64-bit when longMode) or data.
uint64_t segmentDescriptor(bool code, unsigned privilege, bool longMode);
// The low half of an available 64-bit TSS descriptor; the high half is base >> 32.
uint64_t tssDescriptorLow(uint64_t base, uint32_t limit);
// lgdt of table, then what a bare-metal kernel does after it: a far return reloads %cs
// with codeSelector, dataSelector goes to %ds, %es and %ss, and ltr loads taskSelector.
void loadGlobalDescriptors(const uint64_t *table, size_t bytes, uint16_t codeSelector,
                           uint16_t dataSelector, uint16_t taskSelector);

} // namespace kernel
