// Tests for wedges/xen/event_scan.h: the two-level event-channel scan.
#include "event_scan.h"

#include <gtest/gtest.h>

#include <vector>

using namespace afterburner::xen;

namespace {

std::vector<unsigned> dispatched;
void record(unsigned port) {
  dispatched.push_back(port);
}

} // namespace

TEST(EventScan, DispatchesPendingUnmaskedPortsAndClearsThem) {
  dispatched.clear();
  uint64_t selector = 0b101;
  uint64_t pending[3] = {0b1001, 0, uint64_t(1) << 63};
  const uint64_t mask[3] = {0, 0, 0};
  scanEventChannels(&selector, pending, mask, record);
  EXPECT_EQ(dispatched, (std::vector<unsigned>{0, 3, 191}));
  EXPECT_EQ(selector, 0u);
  EXPECT_EQ(pending[0], 0u);
  EXPECT_EQ(pending[2], 0u);
}

TEST(EventScan, MaskedPortsStayPending) {
  dispatched.clear();
  uint64_t selector = 1;
  uint64_t pending[1] = {0b110};
  const uint64_t mask[1] = {0b010};
  scanEventChannels(&selector, pending, mask, record);
  EXPECT_EQ(dispatched, (std::vector<unsigned>{2}));
  EXPECT_EQ(pending[0], 0b010u);
}

TEST(EventScan, WordsTheSelectorDoesNotNameAreLeftAlone) {
  dispatched.clear();
  uint64_t selector = 0b10;
  uint64_t pending[2] = {0b1, 0b1};
  const uint64_t mask[2] = {0, 0};
  scanEventChannels(&selector, pending, mask, record);
  EXPECT_EQ(dispatched, (std::vector<unsigned>{64}));
  EXPECT_EQ(pending[0], 1u);
}
