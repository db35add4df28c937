// Tests for wedges/xen/site_frame.cpp: registers and operands from a site record.
#include "site_frame.h"

#include <gtest/gtest.h>

using namespace afterburner::xen;

namespace {

afterburner_site memorySite(uint8_t base, uint8_t index, uint8_t scale, int32_t displacement,
                            uint8_t segment = AFTERBURNER_REG_NONE) {
  afterburner_site site{};
  site.mode = 64;
  site.operand_form = AFTERBURNER_OPERAND_MEMORY;
  site.base = base;
  site.index = index;
  site.scale = scale;
  site.segment = segment;
  site.displacement = displacement;
  return site;
}

} // namespace

TEST(SiteFrame, RegistersByNumber) {
  SiteFrame frame{};
  frame.rax = 1;
  frame.rdi = 7;
  frame.r15 = 15;
  EXPECT_EQ(readRegister(frame, AFTERBURNER_REG_RAX), 1u);
  EXPECT_EQ(readRegister(frame, AFTERBURNER_REG_RDI), 7u);
  EXPECT_EQ(readRegister(frame, AFTERBURNER_REG_R15), 15u);
  EXPECT_EQ(readRegister(frame, AFTERBURNER_REG_RSP), interruptedStackPointer(frame));
}

TEST(SiteFrame, WritesFollowX86Widths) {
  SiteFrame frame{};
  frame.rax = 0xffffffffffffffffull;
  writeRegister(frame, AFTERBURNER_REG_RAX, 0x12, 1);
  EXPECT_EQ(frame.rax, 0xffffffffffffff12ull);
  writeRegister(frame, AFTERBURNER_REG_RAX, 0x1234, 2);
  EXPECT_EQ(frame.rax, 0xffffffffffff1234ull);
  writeRegister(frame, AFTERBURNER_REG_RAX, 0x12345678, 4);
  EXPECT_EQ(frame.rax, 0x12345678ull);
}

TEST(SiteFrame, MemoryOperandAddress) {
  SiteFrame frame{};
  frame.rbx = 0x1000;
  frame.rcx = 3;
  SegmentBases bases;
  afterburner_site site = memorySite(AFTERBURNER_REG_RBX, AFTERBURNER_REG_RCX, 3, -8);
  EXPECT_EQ(effectiveAddress(frame, site, bases), 0x1000u + 24 - 8);
  site = memorySite(AFTERBURNER_REG_NONE, AFTERBURNER_REG_NONE, 0, 0x40, AFTERBURNER_SEG_GS);
  bases.gs = 0x7000;
  EXPECT_EQ(effectiveAddress(frame, site, bases), 0x7040u);
}

TEST(SiteFrame, SelfRelativeOperandAddress) {
  SiteFrame frame{};
  afterburner_site site{};
  site.operand_form = AFTERBURNER_OPERAND_MEMORY_SELF_RELATIVE;
  site.displacement = 0x100;
  EXPECT_EQ(effectiveAddress(frame, site, SegmentBases{}),
            uint64_t(uintptr_t(&site.displacement)) + 0x100);
}

TEST(SiteFrame, OtherFormsHaveNoAddress) {
  SiteFrame frame{};
  afterburner_site site{};
  site.operand_form = AFTERBURNER_OPERAND_GPR;
  EXPECT_EQ(effectiveAddress(frame, site, SegmentBases{}), 0u);
}
