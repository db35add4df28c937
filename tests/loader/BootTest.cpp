// Tests for loader/boot.cpp: the whole boot path on a test image, and the summary.
#include "boot.h"
#include "harness.h"

#include <gtest/gtest.h>

#include <string>

namespace afterburner::loader {
namespace {

using testing::TestImage;

std::string console;
void captureConsole(const char *text, size_t length) {
  console.append(text, length);
}

int detectYes(const afterburner_boot_info *) {
  return 1;
}
int initOk(const afterburner_boot_info *) {
  return 0;
}
int initFails(const afterburner_boot_info *) {
  return -5;
}

class Boot : public ::testing::Test {
protected:
  void SetUp() override {
    console.clear();
    testing::resetTextWriteLog();
    entry = image.placeData(std::vector<uint8_t>(16, 0xc3));
    wedge.name = "test";
    wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
    wedge.mode = 64;
    wedge.detect = detectYes;
    wedge.init = initOk;
    wedge.unimplemented = reinterpret_cast<const void *>(entry);
    wedge.ops[AFTERBURNER_OP_cli] = {AFTERBURNER_POLICY_CALL,
                                     reinterpret_cast<const void *>(entry)};
    wedge.ops[AFTERBURNER_OP_sti] = {AFTERBURNER_POLICY_CALL,
                                     reinterpret_cast<const void *>(entry)};
    wedge.ops[AFTERBURNER_OP_cpuid] = {AFTERBURNER_POLICY_NATIVE, nullptr};
  }

  afterburner_boot_info bootInfo() {
    afterburner_boot_info boot = {};
    boot.size = sizeof boot;
    boot.entry_kind = AFTERBURNER_ENTRY_MULTIBOOT;
    boot.text_start = image.textStart();
    boot.text_end = image.textEnd();
    boot.notes_start = reinterpret_cast<const void *>(image.notesStart());
    boot.notes_end = reinterpret_cast<const void *>(image.notesEnd());
    boot.console_write = captureConsole;
    return boot;
  }

  afterburner_boot_result run(const afterburner_boot_info &boot, bool withWedge = true) {
    const afterburner_wedge *list[] = {&wedge};
    BootEnvironment environment;
    environment.map = image.map();
    environment.wedges = {list, withWedge ? 1u : 0u};
    environment.entries = entries.data();
    environment.entryCapacity = entries.size();
    environment.diagnostics = &diagnostics;
    afterburner_boot_result result = {};
    runBoot(boot, environment, result);
    return result;
  }

  void addTypicalSites() {
    image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
    image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
    image.addSite(AFTERBURNER_OP_sti, {0xfb}, 16);
    image.addSite(AFTERBURNER_OP_cpuid, {0x0f, 0xa2}, 12);
    image.addSite(AFTERBURNER_OP_cli, {0xfa}, 12); // too short: rejected
    image.addPatchStateNote();
  }

  TestImage image;
  afterburner_wedge wedge{};
  uintptr_t entry = 0;
  std::vector<SiteEntry> entries = std::vector<SiteEntry>(64);
  Diagnostics diagnostics;
};

TEST_F(Boot, PatchesAndPrintsOneSummaryLine) {
  addTypicalSites();
  const afterburner_boot_result result = run(bootInfo());
  EXPECT_STREQ(result.wedge, "test");
  EXPECT_EQ(result.sites, 5u);
  EXPECT_EQ(result.patched, 3u);
  EXPECT_EQ(result.native, 1u);
  EXPECT_EQ(result.rejected, 1u);
  const std::string summary =
      "afterburner: wedge=test sites=5 patched=3 native=1 rejected=1 (cli 2, sti 1, cpuid 1)\n";
  ASSERT_GE(console.size(), summary.size());
  EXPECT_EQ(console.substr(console.size() - summary.size()), summary);
  EXPECT_NE(console.find("minimum site size"), std::string::npos);
  EXPECT_EQ(testing::textWriteLog().sessionsOpened, 1);
  EXPECT_EQ(testing::textWriteLog().sessionsClosed, 1);
  EXPECT_EQ(testing::textWriteLog().writes.size(), 3u);
}

TEST_F(Boot, BareMetalWritesNothingAndSaysNone) {
  addTypicalSites();
  const afterburner_boot_result result = run(bootInfo(), false);
  EXPECT_STREQ(result.wedge, "none");
  EXPECT_EQ(result.patched, 0u);
  EXPECT_EQ(result.native, 4u);
  EXPECT_EQ(testing::textWriteLog().sessionsOpened, 0);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
  EXPECT_NE(console.find("afterburner: wedge=none sites=5 patched=0 native=4 rejected=1"),
            std::string::npos);
}

TEST_F(Boot, CommandLineOffSelectsButPatchesNothing) {
  addTypicalSites();
  afterburner_boot_info boot = bootInfo();
  boot.command_line = "console=ttyS0 afterburner=off quiet";
  const afterburner_boot_result result = run(boot);
  EXPECT_STREQ(result.wedge, "test");
  EXPECT_EQ(result.patched, 0u);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
  EXPECT_NE(console.find("[patching disabled]"), std::string::npos);
}

TEST_F(Boot, NoPatchingFlagPatchesNothing) {
  addTypicalSites();
  afterburner_boot_info boot = bootInfo();
  boot.flags = AFTERBURNER_BOOT_NO_PATCHING;
  EXPECT_EQ(run(boot).patched, 0u);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
}

TEST_F(Boot, FailingInitLeavesEverySiteNative) {
  addTypicalSites();
  wedge.init = initFails;
  const afterburner_boot_result result = run(bootInfo());
  EXPECT_STREQ(result.wedge, "none");
  EXPECT_EQ(result.patched, 0u);
  EXPECT_NE(console.find("wedge test init failed (-5)"), std::string::npos);
}

TEST_F(Boot, PrepatchedImageKeepsItsSitesAndSelectsOnlyItsWedge) {
  uintptr_t record;
  image.addSite(AFTERBURNER_OP_cli, {0xe8, 0, 0, 0, 0}, 16, 64, &record,
                AFTERBURNER_SITE_FLAG_PREPATCHED);
  image.addSite(AFTERBURNER_OP_sti, {0xfb}, 16);
  image.addPatchStateNote("test", 1);
  const afterburner_boot_result result = run(bootInfo());
  EXPECT_STREQ(result.wedge, "test");
  EXPECT_EQ(result.patched, 2u);
  EXPECT_EQ(testing::textWriteLog().writes.size(), 1u); // only the sti site
}

TEST_F(Boot, PrepatchedForAnotherWedgeWarns) {
  image.addSite(AFTERBURNER_OP_sti, {0xfb}, 16);
  image.addPatchStateNote("xen", 1);
  const afterburner_boot_result result = run(bootInfo());
  EXPECT_STREQ(result.wedge, "none");
  EXPECT_NE(console.find("pre-patched for xen"), std::string::npos);
}

TEST_F(Boot, NoNotesIsZeroSites) {
  afterburner_boot_info boot = bootInfo();
  boot.notes_start = boot.notes_end = nullptr;
  const afterburner_boot_result result = run(boot);
  EXPECT_EQ(result.sites, 0u);
  EXPECT_NE(console.find("sites=0"), std::string::npos);
}

TEST_F(Boot, NoConsoleIsSilent) {
  addTypicalSites();
  afterburner_boot_info boot = bootInfo();
  boot.console_write = nullptr;
  EXPECT_EQ(run(boot).patched, 3u);
  EXPECT_EQ(console, "");
}

TEST(BootCommandLine, OnlyTheWholeWordCounts) {
  EXPECT_TRUE(commandLineDisablesPatching("afterburner=off"));
  EXPECT_TRUE(commandLineDisablesPatching("a afterburner=off"));
  EXPECT_FALSE(commandLineDisablesPatching("afterburner=offline"));
  EXPECT_FALSE(commandLineDisablesPatching("xafterburner=off"));
  EXPECT_FALSE(commandLineDisablesPatching(""));
  EXPECT_FALSE(commandLineDisablesPatching(nullptr));
}

TEST(BootEntry, RejectsMissingOrShortBootInfo) {
  EXPECT_STREQ(afterburner_boot(nullptr)->wedge, "none");
  afterburner_boot_info tiny = {};
  tiny.size = 4;
  EXPECT_EQ(afterburner_boot(&tiny)->sites, 0u);
}

} // namespace
} // namespace afterburner::loader
