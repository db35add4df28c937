// Tests for wedges/xen/flag_merge.h: how pushf and popf see the virtual interrupt flag.
#include "flag_merge.h"

#include <gtest/gtest.h>

using namespace afterburner::xen;

TEST(FlagMerge, PushfImageTakesIfFromTheMask) {
  EXPECT_EQ(pushfImage(0x246, 1), 0x046u);
  EXPECT_EQ(pushfImage(0x246, 0), 0x246u);
  EXPECT_EQ(pushfImage(0x046, 0), 0x246u);
}

TEST(FlagMerge, PushfKeepsArithmeticFlags) {
  for (uint64_t flags : {0x8d7ull, 0x2ull, 0x883ull})
    EXPECT_EQ(pushfImage(flags | FlagInterrupt, 1) & ~FlagInterrupt, flags);
}

TEST(FlagMerge, PopfMaskIsNotIf) {
  EXPECT_EQ(popfMask(0x202), 0);
  EXPECT_EQ(popfMask(0x002), 1);
}

TEST(FlagMerge, PopfLoadsOnlyWhatRing3MayLoad) {
  // IOPL (0x3000), AC (0x40000) and ID (0x200000) never reach the real flags; IF stays on.
  EXPECT_EQ(popfRealFlags(0x243000 | 0x8d5), 0x8d5u | 0x200u);
  EXPECT_EQ(popfRealFlags(0x400), 0x600u);            // DF passes
  EXPECT_EQ(popfRealFlags(0x4100), 0x4100u | 0x200u); // TF and NT pass
}

TEST(FlagMerge, UpcallForcedOnlyWhenUnmaskingWithEventsPending) {
  EXPECT_TRUE(mustForceUpcall(0, 1));
  EXPECT_FALSE(mustForceUpcall(1, 1));
  EXPECT_FALSE(mustForceUpcall(0, 0));
}
