// SiteRewriterTest.cpp: site size, canonical padding, section policy, prefix scanning.
#include "afterburner/SiteRewriter.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

namespace afterburner {
namespace {

TEST(SiteRewriter, SiteLengthIsTheLargerOfInstructionAndMinimum) {
  EXPECT_EQ(siteLength(AFTERBURNER_OP_cli, 1), unsigned(AFTERBURNER_SITE_SIZE_IF));
  EXPECT_EQ(siteLength(AFTERBURNER_OP_rdmsr, 2), unsigned(AFTERBURNER_SITE_SIZE_CALL));
  EXPECT_EQ(siteLength(AFTERBURNER_OP_lgdt, 15), 15u);
  EXPECT_EQ(siteLength(0, 3), 0u);
}

TEST(SiteRewriter, PaddingIsCanonicalLongestFirst) {
  for (unsigned mode : {16u, 32u, 64u})
    for (unsigned count = 0; count <= 20; ++count) {
      std::string bytes;
      appendCanonicalPadding(bytes, count, mode);
      EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.end()),
                test::canonicalPadding(count, mode))
          << count << " bytes in mode " << mode;
    }
  std::string thirteen;
  appendCanonicalPadding(thirteen, 13, 64);
  EXPECT_EQ(uint8_t(thirteen[9]), 0x0f) << "9-byte nop then a 4-byte nop";
}

TEST(SiteRewriter, SectionPolicy) {
  EXPECT_EQ(sectionFlags(".text"), 0);
  EXPECT_EQ(sectionFlags(".altinstr_replacement"), AFTERBURNER_SITE_FLAG_COPIED_SECTION);
  EXPECT_EQ(sectionFlags(".altinstr_aux"), AFTERBURNER_SITE_FLAG_COPIED_SECTION);
  EXPECT_EQ(sectionFlags(".init.text"), AFTERBURNER_SITE_FLAG_INIT_SECTION);
  EXPECT_EQ(sectionFlags(".exit.text"), AFTERBURNER_SITE_FLAG_EXIT_SECTION);
  EXPECT_EQ(sectionFlags(".head.text"), AFTERBURNER_SITE_FLAG_EARLY);
  EXPECT_EQ(sectionFlags(".text.head"), AFTERBURNER_SITE_FLAG_EARLY);
  EXPECT_EQ(sectionFlags(".altinstr_replacementx"), 0) << "whole names only";
}

TEST(SiteRewriter, OpsExistInTheirModes) {
  EXPECT_TRUE(opExistsInMode(AFTERBURNER_OP_swapgs, 64));
  EXPECT_FALSE(opExistsInMode(AFTERBURNER_OP_swapgs, 32));
  EXPECT_FALSE(opExistsInMode(AFTERBURNER_OP_arpl, 64));
  EXPECT_FALSE(opExistsInMode(AFTERBURNER_OP_lar, 16));
}

TEST(SiteRewriter, LegacyPrefixes) {
  const char repeatedOuts[] = {char(0xf3), char(0x66), char(0x6f)};
  LegacyPrefixes prefixes = scanLegacyPrefixes(repeatedOuts);
  EXPECT_TRUE(prefixes.Repeat);
  EXPECT_EQ(prefixes.Segment, AFTERBURNER_REG_NONE);
  const char overridden[] = {char(0x64), char(0x6e)};
  EXPECT_EQ(scanLegacyPrefixes(overridden).Segment, AFTERBURNER_SEG_FS);
  const char rexThenOpcode[] = {char(0x48), char(0x64)};
  EXPECT_EQ(scanLegacyPrefixes(rexThenOpcode).Segment, AFTERBURNER_REG_NONE);
}

} // namespace
} // namespace afterburner
