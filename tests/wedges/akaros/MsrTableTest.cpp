// MsrTableTest.cpp: Akaros's MSR emulation (wedges/akaros/host/MsrTable.cpp).
#include "MsrTable.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace afterburner::akaros {
namespace {

TEST(MsrTableTest, Classes) {
  EXPECT_EQ(classifyAkarosMsr(msr::kLstar), MsrClass::PassThrough);
  EXPECT_EQ(classifyAkarosMsr(0x808), MsrClass::PassThrough) << "x2APIC TPR";
  EXPECT_EQ(classifyAkarosMsr(msr::kSysenterEip), MsrClass::Stored);
  EXPECT_EQ(classifyAkarosMsr(msr::kTscDeadline), MsrClass::FakeWrite);
  EXPECT_EQ(classifyAkarosMsr(0x485), MsrClass::FakeWrite) << "IA32_VMX_MISC";
  EXPECT_EQ(classifyAkarosMsr(msr::kMcgCap), MsrClass::ReadZero);
  EXPECT_EQ(classifyAkarosMsr(msr::kMiscEnable), MsrClass::MiscEnable);
  EXPECT_EQ(classifyAkarosMsr(0x10), MsrClass::Unknown) << "IA32_TIME_STAMP_COUNTER";
  EXPECT_EQ(classifyAkarosMsr(0x277), MsrClass::Unknown) << "PAT";
}

TEST(MsrTableTest, StoredValuesArePerPcore) {
  MsrTable first, second;
  EXPECT_TRUE(first.write(msr::kSysenterEsp, 0x1234));
  EXPECT_EQ(first.read(msr::kSysenterEsp), 0x1234u);
  EXPECT_EQ(second.read(msr::kSysenterEsp), 0u);
}

TEST(MsrTableTest, FakeWriteKeepsTheValueWithoutEffect) {
  MsrTable table;
  EXPECT_EQ(table.read(msr::kTscDeadline), 0u);
  EXPECT_TRUE(table.write(msr::kTscDeadline, 99));
  EXPECT_EQ(table.read(msr::kTscDeadline), 99u);
}

TEST(MsrTableTest, ReadZeroRefusesWrites) {
  MsrTable table;
  EXPECT_EQ(table.read(msr::kPerfCapabilities), 0u);
  EXPECT_FALSE(table.write(msr::kPerfCapabilities, 1));
}

TEST(MsrTableTest, MiscEnableWritesMustNotChangeIt) {
  MsrTable table;
  EXPECT_EQ(table.read(msr::kMiscEnable), kAkarosMiscEnable);
  EXPECT_TRUE(table.write(msr::kMiscEnable, kAkarosMiscEnable));
  EXPECT_FALSE(table.write(msr::kMiscEnable, kAkarosMiscEnable | 1u << 18));
}

TEST(MsrTableTest, UnknownMsrsAreGeneralProtectionFaults) {
  MsrTable table;
  EXPECT_FALSE(table.read(0x10).has_value());
  EXPECT_FALSE(table.write(0x277, 0));
  EXPECT_FALSE(table.read(0xc0010015).has_value());
}

TEST(MsrTableTest, KernelHandledSetIsThePassThroughSet) {
  for (uint32_t index : kernelHandledMsrs())
    EXPECT_EQ(classifyAkarosMsr(index), MsrClass::PassThrough) << std::hex << index;
  auto set = kernelHandledMsrs();
  EXPECT_NE(std::find(set.begin(), set.end(), msr::kApicBase), set.end());
}

} // namespace
} // namespace afterburner::akaros
