// Tests for loader/image.cpp: image addresses to bytes.
#include "image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace afterburner::loader {
namespace {

TEST(Image, RangesMapImageAddressesToTheirBytes) {
  std::vector<uint8_t> first(16, 1), second(16, 2);
  const ImageRange ranges[] = {{0x1000, 16, reinterpret_cast<uintptr_t>(first.data())},
                               {0x8000, 16, reinterpret_cast<uintptr_t>(second.data())}};
  const ImageMap map = {ranges, 2};
  EXPECT_EQ(mapImage(map, 0x1004, 4), first.data() + 4);
  EXPECT_EQ(mapImage(map, 0x8000, 16), second.data());
  EXPECT_EQ(mapImage(map, 0x100c, 8), nullptr) << "straddles the end of a range";
  EXPECT_EQ(mapImage(map, 0x0fff, 2), nullptr);
  EXPECT_EQ(mapImage(map, 0x2000, 1), nullptr);
  EXPECT_EQ(mapImage(map, UINTPTR_MAX, 2), nullptr);
  EXPECT_EQ(mapImage(map, 0x1000, SIZE_MAX), nullptr);
}

TEST(Image, NoRangesIsTheIdentity) {
  uint8_t byte = 7;
  const ImageMap identity;
  EXPECT_EQ(mapImage(identity, reinterpret_cast<uintptr_t>(&byte), 1), &byte);
  EXPECT_EQ(mapImage(identity, 0, 1), nullptr);
  EXPECT_EQ(mapImage(identity, UINTPTR_MAX - 1, 4), nullptr) << "wraps around";
}

TEST(Image, ReadCopiesOrFails) {
  std::vector<uint8_t> bytes = {1, 2, 3, 4};
  const ImageRange range = {0x10, 4, reinterpret_cast<uintptr_t>(bytes.data())};
  const ImageMap map = {&range, 1};
  uint8_t out[2] = {};
  EXPECT_TRUE(readImage(map, 0x12, out, 2));
  EXPECT_EQ(out[0], 3);
  EXPECT_FALSE(readImage(map, 0x13, out, 2));
}

TEST(Image, TextRangeContainment) {
  const TextRange text = {0x100, 0x200};
  EXPECT_TRUE(containsRange(text, 0x100, 0x100));
  EXPECT_FALSE(containsRange(text, 0x1f8, 9));
  EXPECT_FALSE(containsRange(text, 0xff, 1));
  EXPECT_FALSE(containsRange(text, 0x1f0, SIZE_MAX));
  EXPECT_FALSE(containsRange({0x200, 0x100}, 0x180, 1)) << "an inverted range holds nothing";
}

// The word-at-a-time helpers at every short length and alignment: every byte is
// copied, nothing past the end is touched, and a difference in any byte is seen.
TEST(Image, CopyAndCompareEveryLengthAndByte) {
  for (size_t length = 0; length <= 70; ++length) {
    for (size_t alignment = 0; alignment < 8; ++alignment) {
      std::vector<uint8_t> source(length + 16), destination(length + 16, 0xee);
      for (size_t index = 0; index < source.size(); ++index)
        source[index] = static_cast<uint8_t>(index * 37 + 1);
      const uint8_t *from = source.data() + (7 - alignment);
      uint8_t *to = destination.data() + alignment;
      copyBytes(to, from, length);
      ASSERT_TRUE(std::equal(from, from + length, to)) << "length " << length;
      ASSERT_EQ(to[length], 0xee) << "copied past the end, length " << length;
      if (alignment > 0) {
        ASSERT_EQ(to[-1], 0xee) << "copied before the start, length " << length;
      }
      ASSERT_TRUE(equalBytes(to, from, length)) << "length " << length;
      for (size_t differs = 0; differs < length; ++differs) {
        to[differs] ^= 0x80;
        ASSERT_FALSE(equalBytes(to, from, length)) << "length " << length << " byte " << differs;
        ASSERT_FALSE(equalBytes(from, to, length)) << "length " << length << " byte " << differs;
        to[differs] ^= 0x80;
      }
    }
  }
}

} // namespace
} // namespace afterburner::loader
