// Tests for wedges/common/include/afterburner/common/wedge_table.h: the constexpr
// builder yields a constant-initialised table with C linkage.
#include <afterburner/common/entry.h>
#include <afterburner/common/wedge_table.h>

#include <gtest/gtest.h>

namespace {

int detectTest(const afterburner_boot_info *) {
  return 1;
}
int initTest(const afterburner_boot_info *) {
  return 0;
}

AFTERBURNER_SITE_HANDLER(tableCliEntry, frame, site) {
  frame->rax = 1;
}

const afterburner_inline_code stiInline = {nullptr, 1, 0, {}, 0, nullptr};

constexpr afterburner_wedge makeTestWedge() {
  return afterburner::common::WedgeBuilder("common", detectTest, initTest)
      .allNative()
      .call(AFTERBURNER_OP_cli, tableCliEntry)
      .inlineCode(AFTERBURNER_OP_sti, &stiInline)
      .jump(AFTERBURNER_OP_iret, tableCliEntry)
      .unimplemented(AFTERBURNER_OP_hlt)
      .table();
}

} // namespace

extern "C" constexpr afterburner_wedge afterburner_wedge_common_test = makeTestWedge();

namespace {

TEST(WedgeTable, BuilderFillsEveryField) {
  const afterburner_wedge &wedge = afterburner_wedge_common_test;
  EXPECT_STREQ(wedge.name, "common");
  EXPECT_EQ(wedge.abi_version, unsigned(AFTERBURNER_WEDGE_ABI_VERSION));
  EXPECT_EQ(wedge.mode, 64);
  EXPECT_EQ(wedge.detect, detectTest);
  EXPECT_EQ(wedge.init, initTest);
  EXPECT_EQ(wedge.unimplemented, afterburner_common_unimplemented);
  EXPECT_EQ(wedge.ops[AFTERBURNER_OP_cli].policy, AFTERBURNER_POLICY_CALL);
  EXPECT_EQ(wedge.ops[AFTERBURNER_OP_cli].target, tableCliEntry);
  EXPECT_EQ(wedge.ops[AFTERBURNER_OP_sti].policy, AFTERBURNER_POLICY_INLINE);
  EXPECT_EQ(wedge.ops[AFTERBURNER_OP_iret].policy, AFTERBURNER_POLICY_JUMP);
  EXPECT_EQ(wedge.ops[AFTERBURNER_OP_hlt].policy, AFTERBURNER_POLICY_UNIMPLEMENTED);
  EXPECT_EQ(wedge.ops[AFTERBURNER_OP_cpuid].policy, AFTERBURNER_POLICY_NATIVE);
}

TEST(WedgeTable, TableIsConstantInitialised) {
  // A constexpr object is never written at run time: it lives in read-only data.
  static_assert(afterburner_wedge_common_test.ops[AFTERBURNER_OP_cli].policy ==
                    AFTERBURNER_POLICY_CALL,
                "the table is a constant expression");
  SUCCEED();
}

} // namespace
