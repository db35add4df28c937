// Tests for loader/report.cpp: formatting, diagnostics and the summary line.
#include "report.h"

#include <afterburner/site_abi.h>

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
  EXPECT_STREQ(
      buffer,
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

} // namespace
} // namespace afterburner::loader
