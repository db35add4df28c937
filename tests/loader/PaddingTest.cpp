// Tests for loader/padding.cpp: canonical nops.
#include "padding.h"

#include <afterburner/site_abi.h>

#include <gtest/gtest.h>

#include <string>

namespace afterburner::loader {
namespace {

TEST(Padding, LongestNopsFirst) {
  uint8_t bytes[13];
  fillCanonicalNops(bytes, sizeof bytes, 64);
  const uint8_t expected[] = {AFTERBURNER_NOP9, AFTERBURNER_NOP4};
  EXPECT_EQ(std::string(bytes, bytes + 13), std::string(expected, expected + 13));
  EXPECT_TRUE(isCanonicalPadding(bytes, sizeof bytes, 64));
  EXPECT_FALSE(isCanonicalPadding(bytes, sizeof bytes, 16));
  bytes[12] = 0x01;
  EXPECT_FALSE(isCanonicalPadding(bytes, sizeof bytes, 64));
  EXPECT_TRUE(isCanonicalPadding(bytes, 0, 64));
}

} // namespace
} // namespace afterburner::loader
