// Tests for loader/report.cpp, loader/padding.cpp and loader/op_table.cpp.
#include "op_table.h"
#include "padding.h"
#include "report.h"

#include <gtest/gtest.h>

#include <string>

namespace afterburner::loader {
namespace {

TEST(Report, TextBuilderFormatsNumbers) {
  char buffer[64];
  TextBuilder line(buffer, sizeof buffer);
  line.text("a ").decimal(0).text(" ").decimal(18446744073709551615ull).text(" ");
  line.hex(0).text(" ").hex(0xffffffff81000000ull).text(" ").signedDecimal(-42);
  EXPECT_STREQ(line.data(), "a 0 18446744073709551615 0x0 0xffffffff81000000 -42");
}

TEST(Report, TextBuilderTruncatesSafely) {
  char buffer[8];
  TextBuilder line(buffer, sizeof buffer);
  line.text("0123456789");
  EXPECT_STREQ(line.data(), "0123456");
  EXPECT_TRUE(line.truncated());
}

TEST(Report, SummaryLine) {
  uint32_t counts[AFTERBURNER_OP_LIMIT] = {};
  counts[AFTERBURNER_OP_cli] = 775;
  counts[AFTERBURNER_OP_sti] = 904;
  Summary summary;
  summary.wedge = "xen";
  summary.sites = 2813;
  summary.patched = 2809;
  summary.native = 4;
  summary.opCounts = counts;
  char buffer[256];
  formatSummary(summary, buffer, sizeof buffer);
  EXPECT_STREQ(buffer,
               "afterburner: wedge=xen sites=2813 patched=2809 native=4 rejected=0 (cli 775, sti 904)\n");
}

TEST(Report, DiagnosticsKeepLinesAndCountTheOverflow) {
  Diagnostics diagnostics;
  for (int index = 0; index < 200; ++index)
    DiagnosticLine(diagnostics).text("a fairly long diagnostic line number ").decimal(index);
  EXPECT_GT(diagnostics.lineCount(), 50u);
  EXPECT_GT(diagnostics.droppedLines(), 0u);
  EXPECT_EQ(diagnostics.lineCount() + diagnostics.droppedLines(), 200u);
  EXPECT_LT(diagnostics.size(), Diagnostics::capacity);
}

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

TEST(OpTable, NamesAndSizesComeFromTheXMacro) {
  EXPECT_STREQ(opName(AFTERBURNER_OP_cli), "cli");
  EXPECT_STREQ(opName(AFTERBURNER_OP_int_n), "int_n");
  EXPECT_STREQ(opName(0), "unknown");
  EXPECT_EQ(opInfo(AFTERBURNER_OP_cli)->minimumSize, AFTERBURNER_SITE_SIZE_IF);
  EXPECT_EQ(opInfo(AFTERBURNER_OP_iret)->flow, AFTERBURNER_FLOW_NO_RETURN);
  EXPECT_EQ(opInfo(AFTERBURNER_OP_LIMIT), nullptr);
}

TEST(OpTable, OpcodeChecksSkipPrefixesAndLookAtModRm) {
  const uint8_t rdfsbase[] = {0xf3, 0x48, 0x0f, 0xae, 0xc0};
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_rdfsbase, rdfsbase, 5, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_wrfsbase, rdfsbase, 5, 64));
  const uint8_t invlpg[] = {0x0f, 0x01, 0x38};
  const uint8_t swapgs[] = {0x0f, 0x01, 0xf8};
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_invlpg, invlpg, 3, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_invlpg, swapgs, 3, 64));
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_swapgs, swapgs, 3, 64));
  // REX is a prefix only in 64-bit code (0x48 is dec %eax in 32-bit code).
  const uint8_t rexIret[] = {0x48, 0xcf};
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_iret, rexIret, 2, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_iret, rexIret, 2, 32));
  // Only prefixes: no opcode.
  const uint8_t prefixes[] = {0x66, 0x66};
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_cli, prefixes, 2, 64));
}

} // namespace
} // namespace afterburner::loader
