// Tests for wedges/kvm/cpuid_cache.cpp.
#include "cpuid_cache.h"

#include <gtest/gtest.h>

namespace afterburner::kvm {
namespace {

constexpr CpuidResult Vendor{0x1c, 0x756e6547, 0x6c65746e, 0x49656e69};

constexpr ControlState NoState{};

TEST(CpuidCacheTest, ClassifiesPerCpuLeavesAsDynamic) {
  EXPECT_EQ(classifyLeaf(0x1, 0), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0xb, 0), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0xd, 1), LeafKind::Dynamic); // follows IA32_XSS
  EXPECT_EQ(classifyLeaf(0x1f, 0), LeafKind::Dynamic);
  EXPECT_EQ(classifyLeaf(0x8000001e, 0), LeafKind::Dynamic);
}

TEST(CpuidCacheTest, ClassifiesIdentificationLeavesAsStatic) {
  EXPECT_EQ(classifyLeaf(0x0, 0), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x80000000, 0), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x80000002, 0), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x40000000, 0), LeafKind::Static);
  EXPECT_EQ(classifyLeaf(0x4, 0), LeafKind::StaticIndexed);
  EXPECT_EQ(classifyLeaf(0x7, 0), LeafKind::StaticIndexed);
  EXPECT_EQ(classifyLeaf(0xd, 0), LeafKind::StaticIndexed);
  EXPECT_EQ(classifyLeaf(0x8000001d, 0), LeafKind::StaticIndexed);
  EXPECT_TRUE(needsControlState(0x7));
  EXPECT_TRUE(needsControlState(0xd));
  EXPECT_FALSE(needsControlState(0x0));
}

TEST(CpuidCacheTest, Leaf7ReportsTheLiveProtectionKeyBit) {
  CpuidCache cache{};
  ASSERT_TRUE(cache.remember(0x7, 0, NoState, CpuidResult{0, 0, 0x10 | 0x8, 0}));
  CpuidResult result{};
  ASSERT_TRUE(cache.lookup(0x7, 0, ControlState{0, 0}, result));
  EXPECT_EQ(result.ecx, 0x8u); // CR4.PKE clear: no OSPKE
  ASSERT_TRUE(cache.lookup(0x7, 0, ControlState{Cr4ProtectionKeys, 0}, result));
  EXPECT_EQ(result.ecx, 0x18u);
}

TEST(CpuidCacheTest, Leaf0xdSubleaf0IsCachedPerXcr0) {
  CpuidCache cache{};
  ASSERT_TRUE(cache.remember(0xd, 0, ControlState{Cr4OsXsave, 0x3}, CpuidResult{7, 576, 832, 0}));
  CpuidResult result{};
  EXPECT_TRUE(cache.lookup(0xd, 0, ControlState{Cr4OsXsave, 0x3}, result));
  EXPECT_EQ(result.ebx, 576u);
  EXPECT_FALSE(cache.lookup(0xd, 0, ControlState{Cr4OsXsave, 0x7}, result)); // AVX enabled
  ASSERT_TRUE(cache.remember(0xd, 2, NoState, CpuidResult{256, 576, 0, 0})); // static
  EXPECT_TRUE(cache.lookup(0xd, 2, ControlState{Cr4OsXsave, 0x7}, result));
}

TEST(CpuidCacheTest, MissesUntilRememberedThenHits) {
  CpuidCache cache{};
  CpuidResult result{};
  EXPECT_FALSE(cache.lookup(0, 0, NoState, result));
  EXPECT_TRUE(cache.remember(0, 0, NoState, Vendor));
  ASSERT_TRUE(cache.lookup(0, 0, NoState, result));
  EXPECT_EQ(result.ebx, Vendor.ebx);
  EXPECT_EQ(result.edx, Vendor.edx);
}

TEST(CpuidCacheTest, NonIndexedLeafIgnoresSubleaf) {
  CpuidCache cache{};
  ASSERT_TRUE(cache.remember(0x80000000, 5, NoState, Vendor));
  CpuidResult result{};
  EXPECT_TRUE(cache.lookup(0x80000000, 1234, NoState, result));
  EXPECT_FALSE(cache.remember(0x80000000, 9, NoState, Vendor)); // same entry
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CpuidCacheTest, IndexedLeafKeepsOneAnswerPerSubleaf) {
  CpuidCache cache{};
  ASSERT_TRUE(cache.remember(0x4, 0, NoState, CpuidResult{1, 0, 0, 0}));
  ASSERT_TRUE(cache.remember(0x4, 1, NoState, CpuidResult{2, 0, 0, 0}));
  CpuidResult result{};
  ASSERT_TRUE(cache.lookup(0x4, 1, NoState, result));
  EXPECT_EQ(result.eax, 2u);
  EXPECT_FALSE(cache.lookup(0x4, 2, NoState, result));
}

TEST(CpuidCacheTest, NeverStoresDynamicLeaves) {
  CpuidCache cache{};
  EXPECT_FALSE(cache.remember(0x1, 0, NoState, Vendor));
  CpuidResult result{};
  EXPECT_FALSE(cache.lookup(0x1, 0, NoState, result));
}

TEST(CpuidCacheTest, StopsStoringWhenFull) {
  CpuidCache cache{};
  for (uint32_t leaf = 0x100; leaf < 0x100 + CpuidCache::Capacity; ++leaf)
    ASSERT_TRUE(cache.remember(leaf, 0, NoState, Vendor));
  EXPECT_FALSE(cache.remember(0x40000000, 0, NoState, Vendor));
  CpuidResult result{};
  EXPECT_FALSE(cache.lookup(0x40000000, 0, NoState, result));
}

} // namespace
} // namespace afterburner::kvm
