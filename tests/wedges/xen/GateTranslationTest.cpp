// Tests for wedges/xen/gate_translation.cpp: the kernel's IDT as Xen's trap table.
#include "gate_translation.h"

#include <gtest/gtest.h>

#include <string.h>

using namespace afterburner::xen;

namespace {

void writeGate(uint8_t *idt, unsigned vector, uint64_t offset, uint8_t attributes,
               uint8_t stackTable = 0, uint16_t selector = 0x08) {
  uint8_t *gate = idt + vector * 16;
  memset(gate, 0, 16);
  gate[0] = uint8_t(offset);
  gate[1] = uint8_t(offset >> 8);
  gate[2] = uint8_t(selector);
  gate[3] = uint8_t(selector >> 8);
  gate[4] = stackTable;
  gate[5] = attributes;
  gate[6] = uint8_t(offset >> 16);
  gate[7] = uint8_t(offset >> 24);
  for (unsigned byte = 0; byte < 4; ++byte)
    gate[8 + byte] = uint8_t(offset >> (32 + 8 * byte));
}

} // namespace

TEST(GateTranslation, DecodesA64BitInterruptGate) {
  uint8_t idt[16];
  writeGate(idt, 0, 0xffffffff81234567ull, 0x8e, 1);
  const Gate gate = decodeGate(idt);
  EXPECT_TRUE(gate.present);
  EXPECT_TRUE(gate.interruptGate);
  EXPECT_EQ(gate.privilege, 0);
  EXPECT_EQ(gate.stackTable, 1);
  EXPECT_EQ(gate.selector, 0x08);
  EXPECT_EQ(gate.offset, 0xffffffff81234567ull);
}

TEST(GateTranslation, TrapGateWithUserPrivilege) {
  uint8_t idt[16];
  writeGate(idt, 0, 0x1000, 0xef);
  const Gate gate = decodeGate(idt);
  EXPECT_TRUE(gate.present);
  EXPECT_FALSE(gate.interruptGate);
  EXPECT_EQ(gate.privilege, 3);
}

TEST(GateTranslation, NotPresentOrNotAGateIsSkipped) {
  uint8_t idt[16];
  writeGate(idt, 0, 0x1000, 0x0e);
  EXPECT_FALSE(decodeGate(idt).present);
  writeGate(idt, 0, 0x1000, 0x8c); // a call gate
  EXPECT_FALSE(decodeGate(idt).present);
}

TEST(GateTranslation, InterruptGateMasksEventsAndKernelDplBecomesOne) {
  Gate gate{true, true, 0, 0, 0x08, 0x1234};
  const TrapEntry entry = translateGate(gate, 14, 0x200000, 16);
  EXPECT_EQ(entry.vector, 14);
  EXPECT_EQ(entry.flags, 1 | 4);
  EXPECT_EQ(entry.stubAddress, 0x200000u + 14 * 16);
  gate.interruptGate = false;
  gate.privilege = 3;
  EXPECT_EQ(translateGate(gate, 3, 0, 16).flags, 3);
}

TEST(GateTranslation, TranslatesEveryPresentGateOfTheLimit) {
  uint8_t idt[48 * 16] = {};
  for (unsigned vector = 0; vector < 48; ++vector)
    if (vector != 15)
      writeGate(idt, vector, 0x100000 + vector * 16, 0x8e);
  uint64_t handlers[256];
  TrapEntry entries[256];
  const size_t count = translateIdt(idt, sizeof idt - 1, 0x300000, 16, handlers, entries, 256);
  EXPECT_EQ(count, 47u);
  EXPECT_EQ(handlers[14], 0x100000u + 14 * 16);
  EXPECT_EQ(handlers[15], 0u);
  EXPECT_EQ(handlers[48], 0u);
  EXPECT_EQ(entries[15].vector, 16);
  EXPECT_EQ(entries[15].stubAddress, 0x300000u + 16 * 16);
}

TEST(GateTranslation, ShortLimitIgnoresLaterGates) {
  uint8_t idt[4 * 16] = {};
  for (unsigned vector = 0; vector < 4; ++vector)
    writeGate(idt, vector, 0x5000, 0x8e);
  uint64_t handlers[256];
  TrapEntry entries[4];
  EXPECT_EQ(translateIdt(idt, 2 * 16 - 1, 0, 16, handlers, entries, 4), 2u);
  EXPECT_EQ(handlers[2], 0u);
}

TEST(GateTranslation, FindsTheTaskStateOfALoadedSelector) {
  uint8_t gdt[5 * 8] = {};
  const uint64_t base = 0xffff8000001234f0ull;
  uint8_t *tss = gdt + 0x18;
  tss[0] = 0x67; // limit
  tss[2] = uint8_t(base);
  tss[3] = uint8_t(base >> 8);
  tss[4] = uint8_t(base >> 16);
  tss[5] = 0x89; // present, available 64-bit TSS
  tss[7] = uint8_t(base >> 24);
  for (unsigned byte = 0; byte < 4; ++byte)
    tss[8 + byte] = uint8_t(base >> (32 + 8 * byte));
  EXPECT_EQ(taskStateBase(gdt, sizeof gdt - 1, 0x18), base);
  tss[5] = 0x8b; // busy
  EXPECT_EQ(taskStateBase(gdt, sizeof gdt - 1, 0x18), base);
}

TEST(GateTranslation, NoTaskStateOutsideTheGdtOrForOtherDescriptors) {
  uint8_t gdt[5 * 8] = {};
  gdt[0x08 + 5] = 0x9a; // code segment
  EXPECT_EQ(taskStateBase(gdt, sizeof gdt - 1, 0x08), 0u);
  EXPECT_EQ(taskStateBase(gdt, sizeof gdt - 1, 0x30), 0u); // past the limit
  EXPECT_EQ(taskStateBase(gdt, sizeof gdt - 1, 0x00), 0u); // null selector
}
