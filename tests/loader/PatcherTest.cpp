// Tests for loader/patcher.cpp: the bytes written for every op under every policy.
#include "patcher.h"
#include "harness.h"
#include "op_table.h"
#include "site_table.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

namespace afterburner::loader {
namespace {

using testing::TestImage;

int32_t load32(const std::vector<uint8_t> &bytes, size_t offset) {
  int32_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// A test wedge whose entries are addresses in the image's data area.
struct TestWedge {
  afterburner_wedge wedge{};
  uintptr_t entry;
  uintptr_t unimplemented;

  explicit TestWedge(TestImage &image, unsigned mode = 64) {
    entry = image.placeData(std::vector<uint8_t>(16, 0xc3));
    unimplemented = image.placeData(std::vector<uint8_t>(16, 0xf4));
    wedge.name = "test";
    wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
    wedge.mode = static_cast<uint8_t>(mode);
    wedge.unimplemented = reinterpret_cast<const void *>(unimplemented);
  }
  void set(unsigned op, uint8_t policy, uintptr_t target) {
    wedge.ops[op] = {policy, reinterpret_cast<const void *>(target)};
  }
  void setAll(uint8_t policy, uintptr_t target) {
    for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
      set(op, policy, target);
  }
};

struct Patched {
  SiteTable table;
  std::vector<SiteEntry> entries = std::vector<SiteEntry>(256);
  PatchCounts counts;
  Diagnostics diagnostics;
};

// The image's valid sites, collected as the loader collects them.
std::unique_ptr<Patched> collect(TestImage &image, bool acceptPrepatched = false) {
  auto result = std::make_unique<Patched>();
  result->table.entries = result->entries.data();
  result->table.capacity = result->entries.size();
  const NoteStream stream = image.notes();
  collectSites(testing::siteTableInput(image, stream, acceptPrepatched), result->table,
               result->diagnostics);
  return result;
}

PatchOptions optionsFor(TestImage &image, const afterburner_wedge *wedge) {
  PatchOptions options;
  options.map = image.map();
  options.wedge = wedge;
  return options;
}

std::unique_ptr<Patched> patch(TestImage &image, const afterburner_wedge *wedge,
                               bool writeSites = true, bool markPrepatched = false) {
  auto result = collect(image);
  PatchOptions options = optionsFor(image, wedge);
  options.writeSites = writeSites;
  options.markPrepatched = markPrepatched;
  testing::resetTextWriteLog();
  patchSites(options, result->table, result->counts, result->diagnostics);
  return result;
}

void expectCallForm(TestImage &image, uintptr_t site, uint8_t length, uintptr_t target,
                    uintptr_t recordAddress, unsigned mode = 64) {
  const auto bytes = image.read(site, length);
  ASSERT_EQ(bytes[0], AFTERBURNER_CALL_OPCODE);
  EXPECT_EQ(site + 5 + load32(bytes, 1), target);
  EXPECT_EQ(bytes[5], 0x0f);
  EXPECT_EQ(bytes[6], 0x1f);
  EXPECT_EQ(bytes[7], 0x80);
  // afterburner_record_of_call's arithmetic, on image addresses: (R + 3) + disp32.
  EXPECT_EQ(site + 5 + 3 + load32(bytes, 8), recordAddress);
  const auto padding = testing::canonicalNops(length - 12, mode);
  EXPECT_TRUE(std::equal(padding.begin(), padding.end(), bytes.begin() + 12));
}

class EveryOpPatch : public ::testing::TestWithParam<unsigned> {};

TEST_P(EveryOpPatch, CallPolicyWritesTheCallForm) {
  const unsigned op = GetParam();
  TestImage image;
  TestWedge wedge(image, testing::sampleMode(op)); // arpl exists in legacy modes only
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  uintptr_t recordAddress;
  const auto instruction = testing::sampleInstruction(op);
  const uint8_t size = testing::sampleSiteLength(op);
  const uintptr_t site =
      image.addSite(op, instruction, size, testing::sampleMode(op), &recordAddress);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.patched, 1u) << result->diagnostics.text();
  expectCallForm(image, site, size, wedge.entry, recordAddress, testing::sampleMode(op));
  ASSERT_EQ(testing::textWriteLog().writes.size(), 1u);
  EXPECT_EQ(testing::textWriteLog().writes[0].length, size);
}

TEST_P(EveryOpPatch, UnimplementedCallsTheUnimplementedEntry) {
  const unsigned op = GetParam();
  TestImage image;
  TestWedge wedge(image, testing::sampleMode(op));
  uintptr_t recordAddress;
  const uint8_t size = opInfo(op)->minimumSize; // 12, 16 for cli/sti, 32/48 for pushf/popf
  const uintptr_t site = image.addSite(op, testing::sampleInstruction(op), size,
                                       testing::sampleMode(op), &recordAddress);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.patched, 1u);
  expectCallForm(image, site, size, wedge.unimplemented, recordAddress, testing::sampleMode(op));
}

TEST_P(EveryOpPatch, NativeLeavesTheSiteAlone) {
  const unsigned op = GetParam();
  TestImage image;
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_NATIVE, 0);
  const auto instruction = testing::sampleInstruction(op);
  const uint8_t size = testing::sampleSiteLength(op);
  const uintptr_t site = image.addSite(op, instruction, size, testing::sampleMode(op));
  const auto before = image.read(site, size);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.native, 1u);
  EXPECT_EQ(image.read(site, size), before);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
}

TEST_P(EveryOpPatch, InlinePolicyCopiesTheTemplate) {
  const unsigned op = GetParam();
  const unsigned mode = testing::sampleMode(op);
  TestImage image;
  TestWedge wedge(image, mode);
  const std::vector<uint8_t> templateBytes = {0x48, 0x89, 0xc0}; // any bytes: copied verbatim
  afterburner_inline_code descriptor = {};
  descriptor.bytes = reinterpret_cast<const uint8_t *>(image.placeData(templateBytes));
  descriptor.length = 3;
  std::vector<uint8_t> descriptorBytes(sizeof descriptor);
  std::memcpy(descriptorBytes.data(), &descriptor, sizeof descriptor);
  wedge.set(op, AFTERBURNER_POLICY_INLINE, image.placeData(descriptorBytes));
  const uint8_t size = testing::sampleSiteLength(op);
  const uintptr_t site = image.addSite(op, testing::sampleInstruction(op), size, mode);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.patched, 1u) << result->diagnostics.text();
  auto expected = templateBytes;
  const auto padding = testing::canonicalNops(size - 3, mode);
  expected.insert(expected.end(), padding.begin(), padding.end());
  EXPECT_EQ(image.read(site, size), expected);
}

TEST_P(EveryOpPatch, JumpPolicyOnlyForOpsThatDoNotReturn) {
  const unsigned op = GetParam();
  TestImage image;
  TestWedge wedge(image, testing::sampleMode(op));
  wedge.set(op, AFTERBURNER_POLICY_JUMP, wedge.entry);
  const uintptr_t site = image.addSite(op, testing::sampleInstruction(op),
                                       testing::sampleSiteLength(op), testing::sampleMode(op));
  auto result = patch(image, &wedge.wedge);
  if (opInfo(op)->flow == AFTERBURNER_FLOW_NO_RETURN) {
    EXPECT_EQ(result->counts.patched, 1u);
    EXPECT_EQ(image.read(site, 1)[0], AFTERBURNER_JUMP_OPCODE);
  } else {
    EXPECT_EQ(result->counts.failed, 1u);
    EXPECT_EQ(image.read(site, testing::sampleInstruction(op).size()),
              testing::sampleInstruction(op));
  }
}

INSTANTIATE_TEST_SUITE_P(Patcher, EveryOpPatch,
                         ::testing::Range(1u, unsigned(AFTERBURNER_OP_LIMIT)));

TEST(Patcher, JumpPolicyWritesAJumpForNoReturnOps) {
  TestImage image;
  TestWedge wedge(image);
  wedge.set(AFTERBURNER_OP_iret, AFTERBURNER_POLICY_JUMP, wedge.entry);
  const uintptr_t site =
      image.addSite(AFTERBURNER_OP_iret, {0x48, 0xcf}, AFTERBURNER_SITE_SIZE_IRET);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.patched, 1u);
  const auto bytes = image.read(site, AFTERBURNER_SITE_SIZE_IRET);
  EXPECT_EQ(bytes[0], AFTERBURNER_JUMP_OPCODE);
  EXPECT_EQ(site + 5 + load32(bytes, 1), wedge.entry);
  const auto padding = testing::canonicalNops(AFTERBURNER_SITE_SIZE_IRET - 5);
  EXPECT_TRUE(std::equal(padding.begin(), padding.end(), bytes.begin() + 5));
}

// An inline descriptor for one operand width, as the Xen wedge's iretq code.
uintptr_t placeWidthInline(TestImage &image, const std::vector<uint8_t> &code, uint8_t width,
                           uintptr_t otherWidthEntry) {
  afterburner_inline_code descriptor = {};
  descriptor.bytes = reinterpret_cast<const uint8_t *>(image.placeData(code));
  descriptor.length = static_cast<uint8_t>(code.size());
  descriptor.operand_width = width;
  descriptor.other_width_entry = reinterpret_cast<const void *>(otherWidthEntry);
  std::vector<uint8_t> descriptorBytes(sizeof descriptor);
  std::memcpy(descriptorBytes.data(), &descriptor, sizeof descriptor);
  return image.placeData(descriptorBytes);
}

uintptr_t addWidthSite(TestImage &image, unsigned op, const std::vector<uint8_t> &instruction,
                       uint8_t siteLength, uint8_t width) {
  const uintptr_t site = image.placeSite(instruction, siteLength);
  afterburner_site record =
      image.record(op, siteLength, static_cast<uint8_t>(instruction.size()), 64);
  record.operand_width = width;
  image.addSitesNote({record}, {site});
  return site;
}

// INLINE is fine for an op that does not return (the code never falls through); code for
// one width goes only to that width's sites, the others jump to the other-width entry.
TEST(Patcher, InlineIretqCodeGoesToWidth8SitesAndOthersJump) {
  TestImage image;
  TestWedge wedge(image);
  const std::vector<uint8_t> code = {0x48, 0xcf, 0xcc}; // any bytes: copied verbatim
  wedge.set(AFTERBURNER_OP_iret, AFTERBURNER_POLICY_INLINE,
            placeWidthInline(image, code, 8, wedge.entry));
  const uint8_t size = AFTERBURNER_SITE_SIZE_IRET;
  const uintptr_t iretq = addWidthSite(image, AFTERBURNER_OP_iret, {0x48, 0xcf}, size, 8);
  const uintptr_t iretl = addWidthSite(image, AFTERBURNER_OP_iret, {0xcf}, size, 4);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.patched, 2u) << result->diagnostics.text();
  auto expected = code;
  const auto padding = testing::canonicalNops(size - code.size());
  expected.insert(expected.end(), padding.begin(), padding.end());
  EXPECT_EQ(image.read(iretq, size), expected);
  const auto bytes = image.read(iretl, size);
  EXPECT_EQ(bytes[0], AFTERBURNER_JUMP_OPCODE);
  EXPECT_EQ(iretl + 5 + load32(bytes, 1), wedge.entry);
}

TEST(Patcher, InlineCodeForOneWidthWithoutOtherEntryCallsUnimplemented) {
  TestImage image;
  TestWedge wedge(image);
  wedge.set(AFTERBURNER_OP_pushf, AFTERBURNER_POLICY_INLINE, placeWidthInline(image, {0x9c}, 8, 0));
  const uintptr_t pushfw =
      addWidthSite(image, AFTERBURNER_OP_pushf, {0x66, 0x9c}, AFTERBURNER_SITE_SIZE_PUSHF, 2);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.patched, 1u) << result->diagnostics.text();
  const auto bytes = image.read(pushfw, AFTERBURNER_CALL_LENGTH);
  EXPECT_EQ(bytes[0], AFTERBURNER_CALL_OPCODE);
  EXPECT_EQ(pushfw + 5 + load32(bytes, 1), wedge.unimplemented);
}

TEST(Patcher, JumpPolicyForAReturningOpFails) {
  TestImage image;
  TestWedge wedge(image);
  wedge.set(AFTERBURNER_OP_cli, AFTERBURNER_POLICY_JUMP, wedge.entry);
  const uintptr_t site = image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  const auto before = image.read(site, 16);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.failed, 1u);
  EXPECT_EQ(image.read(site, 16), before);
  EXPECT_NE(std::string(result->diagnostics.text()).find("JUMP policy"), std::string::npos);
}

// Inline code: `mov %gs:rel32(%rip)`-style template with one rel32 to data outside it.
TEST(Patcher, InlineCodeIsCopiedAndItsRel32FollowsIt) {
  TestImage image;
  TestWedge wedge(image);
  const uintptr_t variable = image.placeData(std::vector<uint8_t>(8, 0));
  // movb $0, rel32(%rip): c6 05 <rel32> 00 ; rel32 relative to the end (offset 7).
  std::vector<uint8_t> code = {0xc6, 0x05, 0, 0, 0, 0, 0x00};
  const uintptr_t codeAddress = image.placeData(code);
  const int32_t fromTemplate = static_cast<int32_t>(variable - (codeAddress + 7) + 1);
  // The field is relative to the field's own instruction end; the loader only shifts it.
  std::memcpy(image.at(codeAddress + 2), &fromTemplate, 4);
  afterburner_inline_code descriptor = {};
  descriptor.bytes = reinterpret_cast<const uint8_t *>(codeAddress);
  descriptor.length = 7;
  descriptor.relative_count = 1;
  descriptor.relative_offsets[0] = 2;
  std::vector<uint8_t> descriptorBytes(sizeof descriptor);
  std::memcpy(descriptorBytes.data(), &descriptor, sizeof descriptor);
  const uintptr_t descriptorAddress = image.placeData(descriptorBytes);
  wedge.set(AFTERBURNER_OP_cli, AFTERBURNER_POLICY_INLINE, descriptorAddress);

  const uintptr_t site = image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  auto result = patch(image, &wedge.wedge);
  ASSERT_EQ(result->counts.patched, 1u) << result->diagnostics.text();
  const auto bytes = image.read(site, 16);
  EXPECT_EQ(bytes[0], 0xc6);
  EXPECT_EQ(bytes[1], 0x05);
  EXPECT_EQ(site + 7 + load32(bytes, 2), variable + 1);
  const auto padding = testing::canonicalNops(9);
  EXPECT_TRUE(std::equal(padding.begin(), padding.end(), bytes.begin() + 7));
}

TEST(Patcher, InlineCodeLongerThanTheMinimumFails) {
  TestImage image;
  TestWedge wedge(image);
  const uintptr_t codeAddress = image.placeData(std::vector<uint8_t>(20, 0x90));
  afterburner_inline_code descriptor = {};
  descriptor.bytes = reinterpret_cast<const uint8_t *>(codeAddress);
  descriptor.length = 17;
  std::vector<uint8_t> descriptorBytes(sizeof descriptor);
  std::memcpy(descriptorBytes.data(), &descriptor, sizeof descriptor);
  wedge.set(AFTERBURNER_OP_cli, AFTERBURNER_POLICY_INLINE, image.placeData(descriptorBytes));
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 20);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.failed, 1u);
}

TEST(Patcher, InlineRel32OutsideTheCodeFails) {
  TestImage image;
  TestWedge wedge(image);
  const uintptr_t codeAddress = image.placeData(std::vector<uint8_t>(8, 0x90));
  afterburner_inline_code descriptor = {};
  descriptor.bytes = reinterpret_cast<const uint8_t *>(codeAddress);
  descriptor.length = 6;
  descriptor.relative_count = 1;
  descriptor.relative_offsets[0] = 4;
  std::vector<uint8_t> descriptorBytes(sizeof descriptor);
  std::memcpy(descriptorBytes.data(), &descriptor, sizeof descriptor);
  wedge.set(AFTERBURNER_OP_sti, AFTERBURNER_POLICY_INLINE, image.placeData(descriptorBytes));
  image.addSite(AFTERBURNER_OP_sti, {0xfb}, 16);
  EXPECT_EQ(patch(image, &wedge.wedge)->counts.failed, 1u);
}

TEST(Patcher, OtherModesStayNative) {
  TestImage image;
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16, 32);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16, 16);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.native, 2u);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
}

TEST(Patcher, CopiedSectionSitesAreNeverPatchedInPlace) {
  TestImage image;
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16, 64, nullptr, AFTERBURNER_SITE_FLAG_COPIED_SECTION);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.native, 1u);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
}

TEST(Patcher, BareMetalWritesNothing) {
  TestImage image;
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
    image.addSite(op, testing::sampleInstruction(op), testing::sampleSiteLength(op),
                  testing::sampleMode(op));
  auto result = patch(image, nullptr);
  EXPECT_EQ(result->counts.native, unsigned(AFTERBURNER_OP_COUNT));
  EXPECT_EQ(result->counts.patched, 0u);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
}

TEST(Patcher, NoPatchingWritesNothing) {
  TestImage image;
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  auto result = patch(image, &wedge.wedge, false);
  EXPECT_EQ(result->counts.native, 1u);
  EXPECT_TRUE(testing::textWriteLog().writes.empty());
}

TEST(Patcher, EverySiteIsWrittenExactlyOnce) {
  TestImage image;
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  for (int round = 0; round < 3; ++round) {
    for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op) {
      if (testing::sampleMode(op) == 64)
        image.addSite(op, testing::sampleInstruction(op), testing::sampleSiteLength(op), 64);
    }
  }
  auto result = patch(image, &wedge.wedge);
  const auto &writes = testing::textWriteLog().writes;
  std::set<const uint8_t *> destinations;
  for (const auto &write : writes)
    destinations.insert(write.destination);
  EXPECT_EQ(writes.size(), result->counts.patched);
  EXPECT_EQ(destinations.size(), writes.size());
  EXPECT_EQ(result->counts.patched, 3u * (AFTERBURNER_OP_COUNT - 1));
}

TEST(Patcher, OfflinePatchingMarksRecordsPrepatched) {
  TestImage image;
  TestWedge wedge(image);
  wedge.set(AFTERBURNER_OP_cli, AFTERBURNER_POLICY_CALL, wedge.entry);
  uintptr_t patchedRecord;
  uintptr_t nativeRecord;
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16, 64, &patchedRecord);
  wedge.set(AFTERBURNER_OP_sti, AFTERBURNER_POLICY_NATIVE, 0);
  image.addSite(AFTERBURNER_OP_sti, {0xfb}, 16, 64, &nativeRecord);
  patch(image, &wedge.wedge, true, true);
  EXPECT_EQ(image.at(patchedRecord)[9], AFTERBURNER_SITE_FLAG_PREPATCHED);
  EXPECT_EQ(image.at(nativeRecord)[9], 0);
}

TEST(Patcher, PrepatchedSitesAreLeftAndCounted) {
  TestImage image;
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  afterburner_site record = TestImage::record(AFTERBURNER_OP_cli, 16, 1);
  const PatchOptions options = optionsFor(image, &wedge.wedge);
  record.flags = AFTERBURNER_SITE_FLAG_PREPATCHED;
  uint8_t code[maximumSiteLength];
  Diagnostics diagnostics;
  EXPECT_EQ(planSite(options, record, image.textStart(), image.notesStart(), code, diagnostics),
            SiteAction::Prepatched);
}

TEST(Patcher, TargetsOutOfRel32ReachFail) {
  TestImage image;
  TestWedge wedge(image);
  wedge.set(AFTERBURNER_OP_cli, AFTERBURNER_POLICY_CALL, uintptr_t(0x7fff00000000));
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  auto result = patch(image, &wedge.wedge);
  EXPECT_EQ(result->counts.failed, 1u);
  EXPECT_NE(std::string(result->diagnostics.text()).find("rel32"), std::string::npos);
}

TEST(Patcher, AWriteThatDoesNotTakeIsReported) {
  TestImage image;
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  auto result = collect(image);
  const PatchOptions options = optionsFor(image, &wedge.wedge);
  testing::resetTextWriteLog();
  testing::textWriteLog().dropWrites = true;
  patchSites(options, result->table, result->counts, result->diagnostics);
  testing::resetTextWriteLog();
  EXPECT_EQ(result->counts.failed, 1u);
  EXPECT_EQ(result->counts.patched, 0u);
  EXPECT_NE(std::string(result->diagnostics.text()).find("did not take"), std::string::npos);
}

TEST(Patcher, UnknownPolicyFails) {
  TestImage image;
  TestWedge wedge(image);
  wedge.set(AFTERBURNER_OP_cli, 9, wedge.entry);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  EXPECT_EQ(patch(image, &wedge.wedge)->counts.failed, 1u);
}

TEST(Patcher, MissingCallTargetFails) {
  TestImage image;
  TestWedge wedge(image);
  wedge.set(AFTERBURNER_OP_cli, AFTERBURNER_POLICY_CALL, 0);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  EXPECT_EQ(patch(image, &wedge.wedge)->counts.failed, 1u);
}

TEST(Patcher, PerOpSiteCounts) {
  TestImage image;
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  image.addSite(AFTERBURNER_OP_hlt, {0xf4}, 12);
  auto result = patch(image, nullptr);
  EXPECT_EQ(result->counts.opSites[AFTERBURNER_OP_cli], 2u);
  EXPECT_EQ(result->counts.opSites[AFTERBURNER_OP_hlt], 1u);
}

// Without writes the counts come from the table: per op and PREPATCHED as accepted,
// minus the sites refused for overlapping.
TEST(Patcher, CountsWithoutWritesFollowTheTable) {
  TestImage image;
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  image.addSite(AFTERBURNER_OP_hlt, {0xe8, 1, 2, 3, 4}, 12, 64, nullptr,
                AFTERBURNER_SITE_FLAG_PREPATCHED);
  const uintptr_t twice = image.placeSite({0xf4}, 12);
  const afterburner_site record = TestImage::record(AFTERBURNER_OP_hlt, 12, 1);
  image.addSitesNote({record, record}, {twice, twice}); // both refused: they overlap
  TestWedge wedge(image);
  wedge.setAll(AFTERBURNER_POLICY_CALL, wedge.entry);
  for (const afterburner_wedge *selected : {static_cast<const afterburner_wedge *>(nullptr),
                                            static_cast<const afterburner_wedge *>(&wedge.wedge)}) {
    auto result = collect(image, /*acceptPrepatched=*/true);
    PatchOptions options = optionsFor(image, selected);
    options.writeSites = false;
    testing::resetTextWriteLog();
    patchSites(options, result->table, result->counts, result->diagnostics);
    EXPECT_EQ(result->table.rejected, 2u);
    EXPECT_EQ(result->counts.patched, 1u);
    EXPECT_EQ(result->counts.native, 2u);
    EXPECT_EQ(result->counts.opSites[AFTERBURNER_OP_cli], 2u);
    EXPECT_EQ(result->counts.opSites[AFTERBURNER_OP_hlt], 1u);
    EXPECT_TRUE(testing::textWriteLog().writes.empty());
  }
}

} // namespace
} // namespace afterburner::loader
