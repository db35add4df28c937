// Tests for loader/site_table.cpp: note walking and record validation, including
// corrupt and hostile tables (each refused cleanly, never a crash).
#include "harness.h"
#include "site_table.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace afterburner::loader {
namespace {

using testing::TestImage;

struct Collected {
  SiteTable table;
  std::vector<SiteEntry> entries;
  Diagnostics diagnostics;
  std::string messages() const { return diagnostics.text(); }
};

std::unique_ptr<Collected> collect(const TestImage &image, bool acceptPrepatched = false,
                                   size_t capacity = 64) {
  auto result = std::make_unique<Collected>();
  result->entries.resize(capacity);
  result->table.entries = result->entries.data();
  result->table.capacity = capacity;
  const NoteStream stream = image.notes();
  collectSites(testing::siteTableInput(image, stream, acceptPrepatched), result->table,
               result->diagnostics);
  return result;
}

std::vector<uint8_t> bytesOf(const afterburner_site &record) {
  std::vector<uint8_t> bytes(sizeof record);
  std::memcpy(bytes.data(), &record, sizeof record);
  return bytes;
}

class EveryOp : public ::testing::TestWithParam<unsigned> {};

TEST_P(EveryOp, SampleInstructionIsAccepted) {
  const unsigned op = GetParam();
  TestImage image;
  const auto instruction = testing::sampleInstruction(op);
  image.addSite(op, instruction, testing::sampleSiteLength(op), testing::sampleMode(op));
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 1u) << result->messages();
  EXPECT_EQ(result->table.rejected, 0u);
}

TEST_P(EveryOp, BytesOfAnotherOpAreRefused) {
  const unsigned op = GetParam();
  TestImage image;
  image.addSite(op, {0x90}, testing::sampleSiteLength(op),
                testing::sampleMode(op)); // nop: no op's instruction
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 0u);
  EXPECT_EQ(result->table.rejected, 1u);
  EXPECT_NE(result->messages().find("not an instruction of this op"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(SiteTable, EveryOp, ::testing::Range(1u, unsigned(AFTERBURNER_OP_LIMIT)));

TEST(SiteTable, ValidSitesAreSortedByAddress) {
  TestImage image;
  const uintptr_t first = image.placeSite({0xfa}, 16);
  const uintptr_t second = image.placeSite({0xfb}, 16);
  image.addSitesNote({TestImage::record(AFTERBURNER_OP_sti, 16, 1)}, {second});
  image.addSitesNote({TestImage::record(AFTERBURNER_OP_cli, 16, 1)}, {first});
  auto result = collect(image);
  ASSERT_EQ(result->table.count, 2u);
  EXPECT_EQ(result->table.entries[0].siteAddress, first);
  EXPECT_EQ(result->table.entries[1].siteAddress, second);
  EXPECT_EQ(result->table.records, 2u);
  EXPECT_EQ(result->messages(), "");
}

TEST(SiteTable, ManyRecordsInOneNote) {
  TestImage image;
  std::vector<afterburner_site> records;
  std::vector<uintptr_t> sites;
  for (int index = 0; index < 10; ++index) {
    sites.push_back(image.placeSite({0xf4}, 12));
    records.push_back(TestImage::record(AFTERBURNER_OP_hlt, 12, 1));
  }
  image.addSitesNote(records, sites);
  EXPECT_EQ(collect(image)->table.count, 10u);
}

TEST(SiteTable, ForeignNotesAreSkippedSilently) {
  TestImage image;
  image.addNote(3, "GNU", std::vector<uint8_t>(20, 0x11));                        // build id
  image.addNote(AFTERBURNER_NOTE_TYPE_SITES, "Xen", std::vector<uint8_t>(24, 0)); // other owner
  image.addNote(0x12345601, AFTERBURNER_NOTE_NAME, std::vector<uint8_t>(24, 0));  // other family
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 1u);
  EXPECT_EQ(result->table.records, 1u);
  EXPECT_EQ(result->messages(), "");
}

TEST(SiteTable, UnknownKindIsSkipped) {
  TestImage image;
  image.addNote(AFTERBURNER_NOTE_TYPE(0x5aU), AFTERBURNER_NOTE_NAME, std::vector<uint8_t>(7, 1));
  image.addSite(AFTERBURNER_OP_sti, {0xfb}, 16);
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 1u);
  EXPECT_EQ(result->messages(), "");
}

TEST(SiteTable, WrongGenerationIsRefusedNamingBoth) {
  TestImage image;
  const uintptr_t site = image.placeSite({0xfa}, 16);
  afterburner_site record = TestImage::record(AFTERBURNER_OP_cli, 16, 1);
  record.site_offset = 0;
  (void)site;
  const unsigned generation = AFTERBURNER_SITE_ABI_VERSION + 1;
  const uint32_t type =
      (AFTERBURNER_NOTE_FAMILY << 16) | (AFTERBURNER_NOTE_KIND_SITES << 8) | generation;
  auto descriptor = bytesOf(record);
  const auto second = bytesOf(record);
  descriptor.insert(descriptor.end(), second.begin(), second.end());
  image.addNote(type, AFTERBURNER_NOTE_NAME, descriptor);
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 0u);
  EXPECT_EQ(result->table.records, 2u);
  EXPECT_EQ(result->table.rejected, 2u);
  EXPECT_NE(result->messages().find("generation " + std::to_string(generation) +
                                    ", this loader reads generation " +
                                    std::to_string(AFTERBURNER_SITE_ABI_VERSION)),
            std::string::npos)
      << result->messages();
}

TEST(SiteTable, TruncatedNoteStopsTheWalkCleanly) {
  TestImage image;
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16);
  // A header claiming a 48-byte descriptor, but only 24 bytes follow.
  image.addNote(AFTERBURNER_NOTE_TYPE_SITES, AFTERBURNER_NOTE_NAME, std::vector<uint8_t>(24, 0),
                0xffffffff, 48);
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 1u);
  EXPECT_NE(result->messages().find("truncated"), std::string::npos);
}

TEST(SiteTable, HugeSizesInAHeaderCannotOverflowTheWalk) {
  TestImage image;
  image.addNote(AFTERBURNER_NOTE_TYPE_SITES, AFTERBURNER_NOTE_NAME, {}, 0xfffffffd, 0xfffffffe);
  auto result = collect(image);
  EXPECT_EQ(result->table.records, 0u);
  EXPECT_NE(result->messages().find("truncated"), std::string::npos);
}

TEST(SiteTable, PartialHeaderIsTruncation) {
  TestImage image;
  image.addRawNoteBytes({12, 0, 0, 0, 24, 0, 0, 0});
  auto result = collect(image);
  EXPECT_NE(result->messages().find("truncated"), std::string::npos);
}

TEST(SiteTable, DescriptorNotAMultipleOfTheRecordIsRefused) {
  TestImage image;
  image.addNote(AFTERBURNER_NOTE_TYPE_SITES, AFTERBURNER_NOTE_NAME, std::vector<uint8_t>(30, 0));
  auto result = collect(image);
  EXPECT_EQ(result->table.rejected, 1u);
  EXPECT_NE(result->messages().find("not a multiple"), std::string::npos);
}

struct BadRecordCase {
  const char *name;
  void (*corrupt)(afterburner_site &);
  const char *message;
};

class BadRecord : public ::testing::TestWithParam<BadRecordCase> {};

TEST_P(BadRecord, IsRefusedAndReported) {
  TestImage image;
  const uintptr_t site = image.placeSite({0xfa}, 16);
  afterburner_site record = TestImage::record(AFTERBURNER_OP_cli, 16, 1);
  GetParam().corrupt(record);
  image.addSitesNote({record}, {site});
  // A good site after it still gets through.
  image.addSite(AFTERBURNER_OP_sti, {0xfb}, 16);
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 1u);
  EXPECT_EQ(result->table.rejected, 1u);
  EXPECT_NE(result->messages().find(GetParam().message), std::string::npos) << result->messages();
}

INSTANTIATE_TEST_SUITE_P(
    SiteTable, BadRecord,
    ::testing::Values(
        BadRecordCase{"UnknownOp", [](afterburner_site &r) { r.op = AFTERBURNER_OP_LIMIT; },
                      "unknown op"},
        BadRecordCase{"ZeroOp", [](afterburner_site &r) { r.op = 0; }, "unknown op"},
        BadRecordCase{"BadMode", [](afterburner_site &r) { r.mode = 48; }, "mode"},
        BadRecordCase{"ZeroInsnLength", [](afterburner_site &r) { r.insn_length = 0; },
                      "insn_length"},
        BadRecordCase{"InsnLongerThanSite", [](afterburner_site &r) { r.insn_length = 17; },
                      "insn_length"},
        BadRecordCase{"SiteTooShort",
                      [](afterburner_site &r) {
                        r.site_length = 12; // cli needs 16
                      },
                      "minimum site size"},
        BadRecordCase{"PaddingNotCanonical", [](afterburner_site &r) { r.insn_length = 2; },
                      "canonical"},
        BadRecordCase{"PrepatchedWithoutState",
                      [](afterburner_site &r) { r.flags |= AFTERBURNER_SITE_FLAG_PREPATCHED; },
                      "PATCH_STATE"}),
    [](const ::testing::TestParamInfo<BadRecordCase> &info) { return info.param.name; });

TEST(SiteTable, OffsetOutsideTextIsRefused) {
  TestImage image;
  image.placeSite({0xfa}, 16);
  afterburner_site record = TestImage::record(AFTERBURNER_OP_cli, 16, 1);
  // The record points into the notes themselves, and far outside the image.
  image.addSitesNote({record, record}, {image.notesStart(), image.textStart() - 0x100000});
  auto result = collect(image);
  EXPECT_EQ(result->table.rejected, 2u);
  EXPECT_NE(result->messages().find("not inside the kernel text"), std::string::npos);
}

TEST(SiteTable, SiteStraddlingTheEndOfTextIsRefused) {
  TestImage image;
  const uintptr_t site = image.textEnd() - 8;
  afterburner_site record = TestImage::record(AFTERBURNER_OP_hlt, 12, 1);
  image.addSitesNote({record}, {site});
  EXPECT_EQ(collect(image)->table.rejected, 1u);
}

// A kernel's layout: per object one note listing its .text sites, then its .init.text
// sites (after all of .text), plus duplicate records across objects. Sorted and
// refused the same whether the table has room to merge its runs or must heap-sort.
TEST(SiteTable, InterleavedObjectNotesSortWithAndWithoutRoom) {
  TestImage image;
  const uintptr_t text = image.textStart() + 0x1000;
  const uintptr_t init = image.textStart() + 0x10000;
  afterburner_site record = TestImage::record(AFTERBURNER_OP_hlt, 12, 1);
  record.flags = AFTERBURNER_SITE_FLAG_PREPATCHED; // bytes unchecked: only the order matters
  size_t valid = 0;
  for (size_t object = 0; object < 40; ++object) {
    std::vector<uintptr_t> sites;
    for (size_t index = 0; index < 6; ++index)
      sites.push_back(text + 16 * (object * 6 + index));
    for (size_t index = 0; index < 2; ++index)
      sites.push_back(init + 16 * (object * 2 + index));
    if (object % 10 == 9)
      sites.push_back(text + 16 * (object * 6 - 30)); // a duplicate of an earlier object's site
    image.addSitesNote(std::vector<afterburner_site>(sites.size(), record), sites);
    valid += 8;
  }
  valid -= 4; // four duplicates: each refuses itself and the site it duplicates
  for (size_t capacity : {size_t(324), size_t(400), size_t(2000)}) {
    auto result = collect(image, true, capacity);
    ASSERT_EQ(result->table.count, valid) << "capacity " << capacity;
    for (size_t index = 1; index < result->table.count; ++index)
      ASSERT_LT(result->table.entries[index - 1].siteAddress,
                result->table.entries[index].siteAddress);
    EXPECT_EQ(result->table.rejected, 8u);
  }
}

TEST(SiteTable, OverlappingSitesAreBothRefused) {
  TestImage image;
  const uintptr_t first = image.placeSite({0xf4}, 12);
  const uintptr_t clean = image.placeSite({0xf4}, 12);
  afterburner_site record = TestImage::record(AFTERBURNER_OP_hlt, 12, 1);
  // A second record for a site inside the first (bytes there are padding, so make
  // its site the first byte again: a duplicate record).
  image.addSitesNote({record, record, record}, {first, first, clean});
  auto result = collect(image);
  EXPECT_EQ(result->table.count, 1u);
  EXPECT_EQ(result->table.entries[0].siteAddress, clean);
  EXPECT_EQ(result->table.rejected, 2u);
  EXPECT_NE(result->messages().find("overlaps"), std::string::npos);
}

TEST(SiteTable, ChainedOverlapsAreAllRefused) {
  TestImage image;
  // Three pre-patched sites (bytes unchecked) 8 bytes apart with length 12: each
  // overlaps the next, so all three are refused.
  const uintptr_t base = image.textStart() + 0x1000;
  afterburner_site record = TestImage::record(AFTERBURNER_OP_hlt, 12, 1);
  record.flags = AFTERBURNER_SITE_FLAG_PREPATCHED;
  image.addSitesNote({record, record, record}, {base + 16, base, base + 8});
  auto result = collect(image, true);
  EXPECT_EQ(result->table.count, 0u);
  EXPECT_EQ(result->table.rejected, 3u);
}

TEST(SiteTable, AdjacentSitesDoNotOverlap) {
  TestImage image;
  const uintptr_t base = image.textStart() + 0x1000;
  afterburner_site record = TestImage::record(AFTERBURNER_OP_hlt, 12, 1);
  record.flags = AFTERBURNER_SITE_FLAG_PREPATCHED;
  image.addSitesNote({record, record}, {base, base + 12});
  EXPECT_EQ(collect(image, true)->table.count, 2u);
}

TEST(SiteTable, PrepatchedSitesAreAcceptedWhenTheImageSaysSo) {
  TestImage image;
  image.addSite(AFTERBURNER_OP_cli, {0xe8, 1, 2, 3, 4}, 16, 64, nullptr,
                AFTERBURNER_SITE_FLAG_PREPATCHED);
  EXPECT_EQ(collect(image, true)->table.count, 1u);
}

TEST(SiteTable, AFullTableRefusesTheRest) {
  TestImage image;
  for (int index = 0; index < 5; ++index)
    image.addSite(AFTERBURNER_OP_hlt, {0xf4}, 12);
  auto result = collect(image, false, 3);
  EXPECT_EQ(result->table.count, 3u);
  EXPECT_EQ(result->table.rejected, 2u);
  EXPECT_NE(result->messages().find("AFTERBURNER_LOADER_MAX_SITES"), std::string::npos);
}

TEST(SiteTable, PatchStateIsFound) {
  TestImage image;
  image.addSite(AFTERBURNER_OP_hlt, {0xf4}, 12);
  const uintptr_t descriptor = image.addPatchStateNote("xen", 7);
  const NoteStream stream = image.notes();
  const PatchStateNote note = findPatchState(image.map(), &stream, 1);
  EXPECT_EQ(note.address, descriptor);
  EXPECT_TRUE(note.filled());
  EXPECT_STREQ(note.state.wedge, "xen");
  EXPECT_EQ(note.state.patched_sites, 7u);
}

TEST(SiteTable, NoPatchStateNote) {
  TestImage image;
  const NoteStream stream = image.notes();
  EXPECT_EQ(findPatchState(image.map(), &stream, 1).address, 0u);
}

TEST(SiteTable, SixteenBitPaddingIsSingleByteNops) {
  TestImage image;
  image.addSite(AFTERBURNER_OP_cli, {0xfa}, 16, 16);
  EXPECT_EQ(collect(image)->table.count, 1u);
  EXPECT_EQ(image.read(image.textStart() + 0x100 + 1, 3), (std::vector<uint8_t>{0x90, 0x90, 0x90}));
}

TEST(SiteTable, ArplIsRefusedIn64BitMode) {
  TestImage image;
  image.addSite(AFTERBURNER_OP_arpl, {0x63, 0xc0}, 12, 64);
  auto result = collect(image);
  EXPECT_EQ(result->table.rejected, 1u);
}

} // namespace
} // namespace afterburner::loader
