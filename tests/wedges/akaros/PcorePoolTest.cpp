// PcorePoolTest.cpp: parking and reuse of guest pcores (wedges/akaros/host/PcorePool.cpp).
#include "PcorePool.h"

#include <gtest/gtest.h>

#include <vector>

namespace afterburner::akaros {
namespace {

// Akaros's tests/vmm/vthread_test.c: five at once, then ten one after another.
TEST(PcorePoolTest, FiveConcurrentThenTenSerialLeaveFivePcores) {
  PcorePool pool;
  std::vector<unsigned> running;
  for (int i = 0; i < 5; ++i) {
    PcorePool::Pcore pcore = pool.acquire();
    EXPECT_TRUE(pcore.created);
    running.push_back(pcore.id);
  }
  for (unsigned id : running)
    pool.park(id);
  for (int i = 0; i < 10; ++i) {
    PcorePool::Pcore pcore = pool.acquire();
    EXPECT_FALSE(pcore.created);
    EXPECT_EQ(pcore.id, 0u) << "the lowest parked pcore comes back first";
    pool.park(pcore.id);
  }
  EXPECT_EQ(pool.count(), 5u);
}

TEST(PcorePoolTest, NewPcoresOnlyWhenNoneIsParked) {
  PcorePool pool;
  EXPECT_EQ(pool.acquire().id, 0u);
  EXPECT_EQ(pool.acquire().id, 1u);
  pool.park(1);
  PcorePool::Pcore reused = pool.acquire();
  EXPECT_EQ(reused.id, 1u);
  EXPECT_FALSE(reused.created);
  EXPECT_EQ(pool.acquire().id, 2u);
}

TEST(PcorePoolTest, ParkingIsIdempotentAndIgnoresUnknownIds) {
  PcorePool pool;
  pool.acquire();
  pool.park(0);
  pool.park(0);
  pool.park(7);
  EXPECT_EQ(pool.parkedCount(), 1u);
}

} // namespace
} // namespace afterburner::akaros
