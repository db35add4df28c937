// CommandLineTest.cpp: key=value options of the sample kernels (samples/common/command_line.cpp).
#include "command_line.h"

#include <gtest/gtest.h>

#include <string>

namespace {

std::string valueOf(const kernel::CommandLine &line, const char *key) {
  char value[64];
  return line.find(key, value, sizeof value) ? std::string(value) : std::string("<absent>");
}

TEST(CommandLineTest, FindsValuesAfterTheMultibootKernelPath) {
  kernel::CommandLine line("/build/samples/hello/hello ticks=20 hz=250");
  EXPECT_EQ(valueOf(line, "ticks"), "20");
  EXPECT_EQ(valueOf(line, "hz"), "250");
  EXPECT_EQ(valueOf(line, "iterations"), "<absent>");
}

TEST(CommandLineTest, KeysMatchWholeWordsOnly) {
  kernel::CommandLine line("irq_iterations=5 iterations_x=7");
  EXPECT_EQ(valueOf(line, "iterations"), "<absent>");
  EXPECT_EQ(valueOf(line, "irq_iterations"), "5");
}

TEST(CommandLineTest, FlagsAndTabsAndTheLastOccurrence) {
  kernel::CommandLine line("quiet\tmode=a  mode=b ");
  EXPECT_TRUE(line.has("quiet"));
  EXPECT_FALSE(line.has("loud"));
  EXPECT_EQ(valueOf(line, "mode"), "b");
}

TEST(CommandLineTest, NullAndEmptyLinesHaveNoKeys) {
  EXPECT_FALSE(kernel::CommandLine(nullptr).has("x"));
  EXPECT_FALSE(kernel::CommandLine("").has("x"));
  EXPECT_EQ(kernel::CommandLine(nullptr).number("x", 9), 9u);
}

TEST(CommandLineTest, ValuesAreTruncatedToTheBuffer) {
  kernel::CommandLine line("key=abcdefgh");
  char value[4];
  ASSERT_TRUE(line.find("key", value, sizeof value));
  EXPECT_STREQ(value, "abc");
}

TEST(CommandLineTest, NumbersWithSuffixesAndFallbacks) {
  kernel::CommandLine line(
      "a=100 b=5k c=2m d=12x e= f=18446744073709551615 g=18446744073709551616");
  EXPECT_EQ(line.number("a", 0), 100u);
  EXPECT_EQ(line.number("b", 0), 5000u);
  EXPECT_EQ(line.number("c", 0), 2000000u);
  EXPECT_EQ(line.number("d", 7), 7u);
  EXPECT_EQ(line.number("e", 7), 7u);
  EXPECT_EQ(line.number("f", 0), 18446744073709551615ull);
  EXPECT_EQ(line.number("g", 3), 3u);
  EXPECT_EQ(line.number("missing", 11), 11u);
}

TEST(CommandLineTest, ParseNumberRejectsOverflowWithSuffix) {
  uint64_t value = 0;
  EXPECT_FALSE(kernel::parseNumber("18446744073709552k", value));
  EXPECT_TRUE(kernel::parseNumber("18446744073709551k", value));
  EXPECT_EQ(value, 18446744073709551000ull);
  EXPECT_TRUE(kernel::parseNumber("0", value));
  EXPECT_EQ(value, 0u);
}

} // namespace
