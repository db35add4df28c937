// Tests for loader/padding.cpp: canonical nops.
#include "padding.h"
#include "reference_padding.h"

#include <afterburner/site_abi.h>

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

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

// The word-at-a-time fill and check against the reference at every length a site can
// have (and past it), at every alignment, with every single byte corrupted.
TEST(Padding, EveryLengthEveryModeEveryCorruptByte) {
  for (unsigned mode : {16u, 32u, 64u}) {
    for (size_t length = 0; length <= 600; length += length < 300 ? 1 : 37) {
      const std::vector<uint8_t> expected = reference::canonicalPadding(length, mode);
      for (size_t alignment = 0; alignment < 8; alignment += length < 64 ? 1 : 7) {
        std::vector<uint8_t> buffer(length + 16, 0xcc);
        uint8_t *bytes = buffer.data() + alignment;
        fillCanonicalNops(bytes, length, mode);
        ASSERT_EQ(std::vector<uint8_t>(bytes, bytes + length), expected)
            << "mode " << mode << " length " << length;
        ASSERT_EQ(bytes[length], 0xcc) << "fill wrote past the end, length " << length;
        ASSERT_TRUE(isCanonicalPadding(bytes, length, mode)) << "length " << length;
        for (size_t corrupt = 0; corrupt < length; ++corrupt) {
          bytes[corrupt] ^= 0x01;
          ASSERT_FALSE(isCanonicalPadding(bytes, length, mode))
              << "mode " << mode << " length " << length << " byte " << corrupt;
          bytes[corrupt] ^= 0x01;
        }
      }
    }
  }
}

// Padding of one mode is not the padding of the other (from two bytes on).
TEST(Padding, ModesDiffer) {
  for (size_t length = 2; length < 40; ++length) {
    std::vector<uint8_t> bytes(length);
    fillCanonicalNops(bytes.data(), length, 64);
    EXPECT_FALSE(isCanonicalPadding(bytes.data(), length, 16)) << length;
    fillCanonicalNops(bytes.data(), length, 16);
    EXPECT_FALSE(isCanonicalPadding(bytes.data(), length, 64)) << length;
  }
}

} // namespace
} // namespace afterburner::loader
