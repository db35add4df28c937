// gate_translation.cpp: IDT gates to Xen trap entries (see gate_translation.h).
#include "gate_translation.h"

namespace afterburner::xen {
namespace {

constexpr unsigned GateSize = 16;
constexpr uint8_t TypeInterruptGate = 0xe;
constexpr uint8_t TypeTrapGate = 0xf;
constexpr uint8_t TrapFlagInterrupt = 4; // TI_SET_IF in xen/arch-x86/xen.h

uint16_t load16(const uint8_t *bytes) {
  return uint16_t(bytes[0] | bytes[1] << 8);
}

uint32_t load32(const uint8_t *bytes) {
  return uint32_t(load16(bytes)) | uint32_t(load16(bytes + 2)) << 16;
}

} // namespace

Gate decodeGate(const uint8_t *descriptor) {
  Gate gate{};
  const uint8_t attributes = descriptor[5];
  const uint8_t type = attributes & 0xf;
  gate.present = (attributes & 0x80) && (type == TypeInterruptGate || type == TypeTrapGate);
  gate.interruptGate = type == TypeInterruptGate;
  gate.privilege = (attributes >> 5) & 3;
  gate.stackTable = descriptor[4] & 7;
  gate.selector = load16(descriptor + 2);
  gate.offset = uint64_t(load16(descriptor)) | uint64_t(load16(descriptor + 6)) << 16 |
                uint64_t(load32(descriptor + 8)) << 32;
  return gate;
}

TrapEntry translateGate(const Gate &gate, unsigned vector, uint64_t stubBase, unsigned stubSize) {
  TrapEntry entry{};
  entry.vector = uint8_t(vector);
  entry.flags = uint8_t(gate.privilege == 0 ? 1 : gate.privilege);
  if (gate.interruptGate)
    entry.flags |= TrapFlagInterrupt;
  entry.stubAddress = stubBase + uint64_t(vector) * stubSize;
  return entry;
}

size_t translateIdt(const uint8_t *idt, uint16_t limit, uint64_t stubBase, unsigned stubSize,
                    uint64_t handlers[256], TrapEntry *entries, size_t capacity) {
  size_t count = 0;
  const unsigned gates = (unsigned(limit) + 1) / GateSize;
  for (unsigned vector = 0; vector < 256; ++vector) {
    handlers[vector] = 0;
    if (vector >= gates)
      continue;
    const Gate gate = decodeGate(idt + vector * GateSize);
    if (!gate.present)
      continue;
    handlers[vector] = gate.offset;
    if (count < capacity)
      entries[count++] = translateGate(gate, vector, stubBase, stubSize);
  }
  return count;
}

uint64_t taskStateBase(const uint8_t *gdt, uint16_t limit, uint16_t selector) {
  constexpr uint8_t TypeAvailableTss = 0x9, TypeBusyTss = 0xb;
  const unsigned offset = selector & ~7u;
  if (offset == 0 || offset + 15 > limit)
    return 0;
  const uint8_t *descriptor = gdt + offset;
  const uint8_t type = descriptor[5] & 0x1f; // S = 0 and the type
  if (type != TypeAvailableTss && type != TypeBusyTss)
    return 0;
  return uint64_t(load16(descriptor + 2)) | uint64_t(descriptor[4]) << 16 |
         uint64_t(descriptor[7]) << 24 | uint64_t(load32(descriptor + 8)) << 32;
}

} // namespace afterburner::xen
