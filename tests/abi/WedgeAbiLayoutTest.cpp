// wedge_abi.h from C++17: a wedge table built the way C++ wedges build theirs.
#include <afterburner/wedge_abi.h>

#include <gtest/gtest.h>

#include <cstring>

extern "C" int abi_wedge_c_cli_policy(void);
extern "C" int abi_site_c_op_count(void);

namespace {

constexpr afterburner_wedge makeTestWedge() {
  afterburner_wedge wedge{};
  wedge.name = "test";
  wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
  wedge.mode = 64;
  wedge.ops[AFTERBURNER_OP_hlt].policy = AFTERBURNER_POLICY_NATIVE;
  return wedge;
}

const afterburner_wedge testWedge = makeTestWedge();

TEST(WedgeAbi, EntriesAreIndexedByOpId) {
  EXPECT_EQ(afterburner_wedge_entry(&testWedge, AFTERBURNER_OP_hlt)->policy,
            AFTERBURNER_POLICY_NATIVE);
  EXPECT_EQ(afterburner_wedge_entry(&testWedge, AFTERBURNER_OP_cli)->policy,
            AFTERBURNER_POLICY_UNIMPLEMENTED);
  EXPECT_EQ(afterburner_wedge_entry(&testWedge, AFTERBURNER_OP_INVALID), nullptr);
  EXPECT_EQ(afterburner_wedge_entry(&testWedge, AFTERBURNER_OP_LIMIT), nullptr);
}

TEST(WedgeAbi, CHeadersAgreeWithCxx) {
  EXPECT_EQ(abi_wedge_c_cli_policy(), AFTERBURNER_POLICY_NATIVE);
  EXPECT_EQ(abi_site_c_op_count(), AFTERBURNER_OP_COUNT);
}

TEST(WedgeAbi, RecordOfCallFollowsTheNopDisplacement) {
  // A site in the call form: call rel32; nopl disp32(%rax), disp32 = record - field.
  alignas(8) unsigned char memory[64] = {};
  unsigned char *site = memory;
  auto *record = reinterpret_cast<afterburner_site *>(memory + 32);
  const unsigned char prefix[] = {AFTERBURNER_RECORD_REFERENCE_PREFIX};
  site[0] = AFTERBURNER_CALL_OPCODE;
  std::memcpy(site + 5, prefix, sizeof prefix);
  const int32_t reference = int32_t(reinterpret_cast<unsigned char *>(record) - (site + 8));
  std::memcpy(site + 8, &reference, sizeof reference);
  const uintptr_t returnAddress = reinterpret_cast<uintptr_t>(site + 5);
  EXPECT_EQ(afterburner_record_of_call(returnAddress), record);
}

} // namespace
