// Tests for loader/wedge_registry.cpp: detection and selection.
#include "harness.h"
#include "wedge_registry.h"

#include <gtest/gtest.h>

#include <string>

namespace afterburner::loader {
namespace {

int detectNone(const afterburner_boot_info *) {
  return 0;
}
int detectLow(const afterburner_boot_info *) {
  return 10;
}
int detectHigh(const afterburner_boot_info *) {
  return 20;
}
int detectByEntry(const afterburner_boot_info *boot) {
  return boot && boot->entry_kind == AFTERBURNER_ENTRY_XEN_PV ? 50 : 0;
}

afterburner_wedge makeWedge(const char *name, int (*detect)(const afterburner_boot_info *)) {
  afterburner_wedge wedge{};
  wedge.name = name;
  wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
  wedge.mode = 64;
  wedge.detect = detect;
  return wedge;
}

TEST(WedgeRegistry, HighestPriorityWins) {
  const afterburner_wedge kvm = makeWedge("kvm", detectLow);
  const afterburner_wedge akaros = makeWedge("akaros", detectHigh);
  const afterburner_wedge xen = makeWedge("xen", detectNone);
  const afterburner_wedge *list[] = {&xen, &kvm, &akaros};
  Diagnostics diagnostics;
  EXPECT_EQ(selectWedge({list, 3}, nullptr, nullptr, diagnostics), &akaros);
}

TEST(WedgeRegistry, TiesGoToTheFirst) {
  const afterburner_wedge first = makeWedge("first", detectLow);
  const afterburner_wedge second = makeWedge("second", detectLow);
  const afterburner_wedge *list[] = {&first, &second};
  Diagnostics diagnostics;
  EXPECT_EQ(selectWedge({list, 2}, nullptr, nullptr, diagnostics), &first);
}

TEST(WedgeRegistry, NothingDetectedIsBareMetal) {
  const afterburner_wedge xen = makeWedge("xen", detectNone);
  const afterburner_wedge *list[] = {&xen};
  Diagnostics diagnostics;
  EXPECT_EQ(selectWedge({list, 1}, nullptr, nullptr, diagnostics), nullptr);
  EXPECT_EQ(selectWedge({list, 0}, nullptr, nullptr, diagnostics), nullptr);
}

TEST(WedgeRegistry, DetectSeesTheBootInfo) {
  const afterburner_wedge xen = makeWedge("xen", detectByEntry);
  const afterburner_wedge *list[] = {&xen};
  afterburner_boot_info boot = {};
  boot.entry_kind = AFTERBURNER_ENTRY_XEN_PV;
  Diagnostics diagnostics;
  EXPECT_EQ(selectWedge({list, 1}, &boot, nullptr, diagnostics), &xen);
}

TEST(WedgeRegistry, WrongAbiVersionIsReportedAndSkipped) {
  afterburner_wedge old = makeWedge("old", detectHigh);
  old.abi_version = AFTERBURNER_WEDGE_ABI_VERSION + 1;
  const afterburner_wedge kvm = makeWedge("kvm", detectLow);
  const afterburner_wedge *list[] = {&old, &kvm};
  Diagnostics diagnostics;
  EXPECT_EQ(selectWedge({list, 2}, nullptr, nullptr, diagnostics), &kvm);
  const std::string expected =
      "wedge old skipped: abi_version " + std::to_string(AFTERBURNER_WEDGE_ABI_VERSION + 1);
  EXPECT_NE(std::string(diagnostics.text()).find(expected), std::string::npos)
      << diagnostics.text();
}

TEST(WedgeRegistry, MalformedWedgesAreSkipped) {
  afterburner_wedge unnamed = makeWedge(nullptr, detectHigh);
  afterburner_wedge longName = makeWedge("a-name-much-too-long", detectHigh);
  afterburner_wedge noDetect = makeWedge("nodetect", nullptr);
  afterburner_wedge noMode = makeWedge("nomode", detectHigh);
  noMode.mode = 0;
  const afterburner_wedge *list[] = {&unnamed, &longName, &noDetect, &noMode, nullptr};
  Diagnostics diagnostics;
  EXPECT_EQ(selectWedge({list, 5}, nullptr, nullptr, diagnostics), nullptr);
  EXPECT_EQ(diagnostics.lineCount(), 4u);
}

TEST(WedgeRegistry, APrepatchedImageSelectsOnlyItsWedge) {
  const afterburner_wedge kvm = makeWedge("kvm", detectLow);
  const afterburner_wedge akaros = makeWedge("akaros", detectHigh);
  const afterburner_wedge *list[] = {&kvm, &akaros};
  Diagnostics diagnostics;
  EXPECT_EQ(selectWedge({list, 2}, nullptr, "kvm", diagnostics), &kvm);
  EXPECT_EQ(selectWedge({list, 2}, nullptr, "xen", diagnostics), nullptr);
}

TEST(WedgeRegistry, NamesCompareExactly) {
  EXPECT_TRUE(wedgeNameEquals("xen", "xen"));
  EXPECT_FALSE(wedgeNameEquals("xen", "xe"));
  EXPECT_FALSE(wedgeNameEquals("xe", "xen"));
  EXPECT_FALSE(wedgeNameEquals(nullptr, "xen"));
}

TEST(WedgeRegistry, HostedBuildsLinkNoWedge) {
  EXPECT_EQ(linkedWedges().count, 0u);
}

} // namespace
} // namespace afterburner::loader
