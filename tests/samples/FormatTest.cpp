// FormatTest.cpp: the sample kernels' printf (samples/common/format.cpp), built hosted and
// compared with the C library's snprintf where both define the result.
#include "format.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

template <typename... Arguments> std::string ours(const char *format, Arguments... arguments) {
  char buffer[256];
  kernel::formatTextVariadic(buffer, sizeof buffer, format, arguments...);
  return buffer;
}

template <typename... Arguments> std::string libc(const char *format, Arguments... arguments) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, arguments...);
  return buffer;
}

TEST(FormatTest, PlainTextIsCopied) {
  EXPECT_EQ(ours("hello, world\n"), "hello, world\n");
}

TEST(FormatTest, DecimalMatchesLibc) {
  EXPECT_EQ(ours("%d %d %d", 0, -1, 2147483647), libc("%d %d %d", 0, -1, 2147483647));
  EXPECT_EQ(ours("%d", (int)-2147483647 - 1), libc("%d", (int)-2147483647 - 1));
  EXPECT_EQ(ours("%u", 4294967295u), "4294967295");
  EXPECT_EQ(ours("%lu", 18446744073709551615ul), "18446744073709551615");
  EXPECT_EQ(ours("%ld", -9223372036854775807l - 1), libc("%ld", -9223372036854775807l - 1));
  EXPECT_EQ(ours("%zu", (size_t)42), "42");
  EXPECT_EQ(ours("%llu", 12345678901234ull), "12345678901234");
}

TEST(FormatTest, HexMatchesLibc) {
  EXPECT_EQ(ours("%x %X", 0xdeadbeefu, 0xdeadbeefu), libc("%x %X", 0xdeadbeefu, 0xdeadbeefu));
  EXPECT_EQ(ours("0x%lx", 0xfee00000ul), "0xfee00000");
  EXPECT_EQ(ours("%x", 0u), "0");
}

TEST(FormatTest, WidthAndFlagsMatchLibc) {
  EXPECT_EQ(ours("[%5d]", 42), libc("[%5d]", 42));
  EXPECT_EQ(ours("[%-5d]", 42), libc("[%-5d]", 42));
  EXPECT_EQ(ours("[%05d]", -42), libc("[%05d]", -42));
  EXPECT_EQ(ours("[%08x]", 0xbeefu), libc("[%08x]", 0xbeefu));
  EXPECT_EQ(ours("[%-8s]", "ab"), libc("[%-8s]", "ab"));
  EXPECT_EQ(ours("[%8s]", "ab"), libc("[%8s]", "ab"));
}

TEST(FormatTest, StringsCharactersAndPercent) {
  EXPECT_EQ(ours("%s=%c %%", "key", 'v'), "key=v %");
  const char *volatile nothing = nullptr; // volatile: keeps GCC's null-%s check quiet
  EXPECT_EQ(ours("%s", (const char *)nothing), "(null)");
}

TEST(FormatTest, PointersAreHex) {
  EXPECT_EQ(ours("%p", (void *)0x1000), "0x1000");
}

TEST(FormatTest, UnknownConversionIsCopiedVerbatim) {
  EXPECT_EQ(ours("a %q b"), "a %q b");
  EXPECT_EQ(ours("trailing %"), "trailing %");
}

TEST(FormatTest, OutputIsTruncatedAndTerminated) {
  char buffer[6];
  size_t written = kernel::formatTextVariadic(buffer, sizeof buffer, "%s", "abcdefgh");
  EXPECT_EQ(written, 5u);
  EXPECT_STREQ(buffer, "abcde");
  char tiny[1];
  EXPECT_EQ(kernel::formatTextVariadic(tiny, sizeof tiny, "xyz"), 0u);
  EXPECT_STREQ(tiny, "");
}

TEST(FormatTest, DigitsInEveryBase) {
  char digits[64];
  EXPECT_EQ(std::string(digits, kernel::formatDigits(digits, 255, 2, false)), "11111111");
  EXPECT_EQ(std::string(digits, kernel::formatDigits(digits, 255, 16, true)), "FF");
  EXPECT_EQ(std::string(digits, kernel::formatDigits(digits, 0, 10, false)), "0");
  EXPECT_EQ(kernel::formatDigits(digits, ~0ull, 2, false), 64u);
}

} // namespace
