// gate_translation.h: reading the kernel's own descriptor tables: its IDT (what lidt points
// at) as Xen's virtual trap table (struct trap_info, set_trap_table), and its GDT's TSS
// descriptor (ltr). Pure logic, testable hosted.
//
// Xen delivers an exception to a PV kernel with rcx and r11 pushed above a hardware-like
// frame, so a trap_info never points at the kernel's handler directly: it points at the
// wedge's per-vector stub, which pops the two and jumps to the handler recorded here.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace afterburner::xen {

// One decoded 16-byte x86-64 IDT gate.
struct Gate {
  bool present;
  bool interruptGate; // type 0xE: the CPU clears IF; a trap gate (0xF) does not
  uint8_t privilege;  // DPL
  uint8_t stackTable; // IST index (Xen PV has no IST: ignored, documented)
  uint16_t selector;
  uint64_t offset;
};

Gate decodeGate(const uint8_t *descriptor);

// What one trap_info says: flags = DPL | (interrupt gate ? 4 : 0). Xen compares a
// software interrupt's DPL against 1 for a kernel (its ring-3 kernel counts as ring 1),
// so a DPL-0 gate, which bare metal lets the kernel reach with int n, becomes DPL 1.
struct TrapEntry {
  uint8_t vector;
  uint8_t flags;
  uint64_t stubAddress;
};

TrapEntry translateGate(const Gate &gate, unsigned vector, uint64_t stubBase, unsigned stubSize);

// Walks an IDT of limit + 1 bytes: for every present gate, records the kernel's handler in
// handlers[vector] and writes a trap entry; returns the number of entries written (at most
// capacity). Vectors without a present gate get handler 0.
size_t translateIdt(const uint8_t *idt, uint16_t limit, uint64_t stubBase, unsigned stubSize,
                    uint64_t handlers[256], TrapEntry *entries, size_t capacity);

// The base address of the 64-bit TSS descriptor (16 bytes) at selector in a GDT of
// limit + 1 bytes, or 0 when the selector is outside it or names no available/busy TSS.
uint64_t taskStateBase(const uint8_t *gdt, uint16_t limit, uint16_t selector);

} // namespace afterburner::xen
