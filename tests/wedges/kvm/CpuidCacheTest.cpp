// Tests for wedges/kvm/cpuid_cache.cpp.
#include "cpuid_cache.h"

#include <gtest/gtest.h>

namespace afterburner::kvm {
namespace {

constexpr CpuidResult Vendor{0x1c, 0x756e6547, 0x6c65746e, 0x49656e69};

TEST(CpuidCacheTest, ClassifiesPerCpuAndStateDependentLeavesAsDynamic) {
  EXPECT_EQ(classifyLeaf(0x1), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0x7), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0xb), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0xd), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0x1f), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0x8000001e), LeafKind::Dynamic);
}

TEST(CpuidCacheTest, ClassifiesIdentificationLeavesAsStatic) {
  EXPECT_EQ(classifyLeaf(0x0), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x80000000), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x80000002), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x40000000), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x4), LeafKind::StaticIndexed);
  EXPECT_EQ(classifyLeaf(0x8000001d), LeafKind::StaticIndexed);
}

TEST(CpuidCacheTest, MissesUntilRememberedThenHits) {
  CpuidCache cache{};
  CpuidResult result{};
  EXPECT_FALSE(cache.lookup(0, 0, result));
  EXPECT_TRUE(cache.remember(0, 0, Vendor));
  ASSERT_TRUE(cache.lookup(0, 0, result));
  EXPECT_EQ(result.ebx, Vendor.ebx);
  EXPECT_EQ(result.edx, Vendor.edx);
}

TEST(CpuidCacheTest, NonIndexedLeafIgnoresSubleaf) {
  CpuidCache cache{};
  ASSERT_TRUE(cache.remember(0x80000000, 5, Vendor));
  CpuidResult result{};
  EXPECT_TRUE(cache.lookup(0x80000000, 1234, result));
  EXPECT_FALSE(cache.remember(0x80000000, 9, Vendor)); // same entry
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CpuidCacheTest, IndexedLeafKeepsOneAnswerPerSubleaf) {
  CpuidCache cache{};
  ASSERT_TRUE(cache.remember(0x4, 0, CpuidResult{1, 0, 0, 0}));
  ASSERT_TRUE(cache.remember(0x4, 1, CpuidResult{2, 0, 0, 0}));
  CpuidResult result{};
  ASSERT_TRUE(cache.lookup(0x4, 1, result));
  EXPECT_EQ(result.eax, 2u);
  EXPECT_FALSE(cache.lookup(0x4, 2, result));
}

TEST(CpuidCacheTest, NeverStoresDynamicLeaves) {
  CpuidCache cache{};
  EXPECT_FALSE(cache.remember(0x1, 0, Vendor));
  CpuidResult result{};
  EXPECT_FALSE(cache.lookup(0x1, 0, result));
}

TEST(CpuidCacheTest, StopsStoringWhenFull) {
  CpuidCache cache{};
  for (uint32_t leaf = 0x100; leaf < 0x100 + CpuidCache::Capacity; ++leaf)
    ASSERT_TRUE(cache.remember(leaf, 0, Vendor));
  EXPECT_FALSE(cache.remember(0x40000000, 0, Vendor));
  CpuidResult result{};
  EXPECT_FALSE(cache.lookup(0x40000000, 0, result));
}

} // namespace
} // namespace afterburner::kvm
