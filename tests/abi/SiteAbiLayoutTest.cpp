// Layout and op-list rules of site_abi.h, checked from C++17.
#include <afterburner/site_abi.h>

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

struct OpRow {
  std::string name;
  int id;
  int siteSize;
  int opClass;
  int flow;
  unsigned modes;
};

std::vector<OpRow> allOps() {
  return {
#define AFTERBURNER_TEST_ROW(name, id, size, class_, flow, modes)                                  \
  OpRow{#name, id, size, class_, flow, modes},
      AFTERBURNER_SITE_OPS(AFTERBURNER_TEST_ROW)
#undef AFTERBURNER_TEST_ROW
  };
}

TEST(SiteAbiLayout, RecordFieldOffsets) {
  EXPECT_EQ(sizeof(afterburner_site), 24u);
  EXPECT_EQ(offsetof(afterburner_site, site_offset), 0u);
  EXPECT_EQ(offsetof(afterburner_site, insn_length), 7u);
  EXPECT_EQ(offsetof(afterburner_site, flags), 9u);
  EXPECT_EQ(offsetof(afterburner_site, operand_width), 11u);
  EXPECT_EQ(offsetof(afterburner_site, special), 13u);
  EXPECT_EQ(offsetof(afterburner_site, index), 15u);
  EXPECT_EQ(offsetof(afterburner_site, segment), 17u);
  EXPECT_EQ(alignof(afterburner_site), 4u);
}

TEST(SiteAbiLayout, NoteTypeCarriesFamilyKindAndGeneration) {
  EXPECT_EQ(AFTERBURNER_NOTE_TYPE_FAMILY(AFTERBURNER_NOTE_TYPE_SITES), 0x4142u);
  EXPECT_EQ(AFTERBURNER_NOTE_TYPE_KIND(AFTERBURNER_NOTE_TYPE_SITES), AFTERBURNER_NOTE_KIND_SITES);
  EXPECT_EQ(AFTERBURNER_NOTE_TYPE_GENERATION(AFTERBURNER_NOTE_TYPE_SITES),
            unsigned(AFTERBURNER_SITE_ABI_VERSION));
  EXPECT_NE(AFTERBURNER_NOTE_TYPE_SITES, AFTERBURNER_NOTE_TYPE_PATCH_STATE);
  EXPECT_EQ(std::string(AFTERBURNER_NOTE_SECTION), ".note.afterburner");
}

TEST(SiteAbiOps, IdsAreUniqueDenseAndInOrder) {
  const auto ops = allOps();
  ASSERT_EQ(ops.size(), size_t(AFTERBURNER_OP_COUNT));
  std::set<int> ids;
  std::set<std::string> names;
  for (size_t position = 0; position < ops.size(); ++position) {
    EXPECT_EQ(ops[position].id, int(position) + 1) << ops[position].name;
    ids.insert(ops[position].id);
    names.insert(ops[position].name);
  }
  EXPECT_EQ(ids.size(), ops.size());
  EXPECT_EQ(names.size(), ops.size());
}

// Append-only: ids already published must never move. Extend this list, never edit it.
TEST(SiteAbiOps, PublishedIdsNeverChange) {
  const std::vector<std::pair<std::string, int>> published = {
      {"cli", 1},       {"sti", 2},     {"pushf", 3},     {"popf", 4},        {"hlt", 5},
      {"in_imm", 8},    {"out_dx", 11}, {"outs", 13},     {"write_cr3", 19},  {"clts", 24},
      {"write_dr", 28}, {"lgdt", 29},   {"str", 36},      {"write_sreg", 37}, {"far_ret", 44},
      {"arpl", 49},     {"rdmsr", 50},  {"wrmsr", 51},    {"cpuid", 55},      {"invlpg", 56},
      {"iret", 60},     {"swapgs", 63}, {"wrgsbase", 69}, {"clac", 71},       {"int_n", 74},
  };
  // Appended later (the annotated page-table writes, section 6a).
  const std::vector<std::pair<std::string, int>> appended = {
      {"page_table_store", 75},
      {"page_table_exchange", 76},
  };
  const auto ops = allOps();
  for (const auto *list : {&published, &appended}) {
    for (const auto &[name, id] : *list) {
      ASSERT_LE(size_t(id), ops.size());
      EXPECT_EQ(ops[id - 1].name, name);
    }
  }
}

TEST(SiteAbiOps, SiteSizesHoldTheCallForm) {
  for (const OpRow &op : allOps()) {
    EXPECT_GE(op.siteSize, AFTERBURNER_SITE_SIZE_CALL) << op.name;
    EXPECT_LE(op.siteSize, 255) << op.name;
    EXPECT_TRUE(op.opClass == AFTERBURNER_CLASS_PRIVILEGED ||
                op.opClass == AFTERBURNER_CLASS_SENSITIVE ||
                op.opClass == AFTERBURNER_CLASS_ANNOTATED)
        << op.name;
    EXPECT_TRUE(op.flow == AFTERBURNER_FLOW_RETURNS || op.flow == AFTERBURNER_FLOW_NO_RETURN)
        << op.name;
    EXPECT_NE(op.modes & AFTERBURNER_MODES_ALL, 0u) << op.name;
    EXPECT_EQ(op.modes & ~AFTERBURNER_MODES_ALL, 0u) << op.name;
  }
}

// Annotated ops are plain stores the kernel marked: they return, and none of them
// exists in 16-bit code (no paging there).
TEST(SiteAbiOps, AnnotatedOpsAreReturningStores) {
  unsigned annotated = 0;
  for (const OpRow &op : allOps()) {
    if (op.opClass != AFTERBURNER_CLASS_ANNOTATED)
      continue;
    ++annotated;
    EXPECT_EQ(op.flow, AFTERBURNER_FLOW_RETURNS) << op.name;
    EXPECT_EQ(op.modes, AFTERBURNER_MODES_NOT16) << op.name;
  }
  EXPECT_EQ(annotated, 2u);
  EXPECT_EQ(AFTERBURNER_OP_page_table_store, 75);
  EXPECT_EQ(AFTERBURNER_OP_page_table_exchange, 76);
}

TEST(SiteAbiPadding, CanonicalNopsHaveTheirLengths) {
  const unsigned char nop9[] = {AFTERBURNER_NOP9};
  const unsigned char nop5[] = {AFTERBURNER_NOP5};
  const unsigned char nop1[] = {AFTERBURNER_NOP1};
  EXPECT_EQ(sizeof nop9, size_t(AFTERBURNER_NOP_MAX));
  EXPECT_EQ(sizeof nop5, 5u);
  EXPECT_EQ(sizeof nop1, 1u);
}

} // namespace

extern "C" const unsigned char abi_asm_site[], abi_asm_site_end[];
extern "C" const unsigned char abi_asm_note[];

namespace {

// The assembler macros write a well-formed note whose record points at the site.
TEST(SiteAbiAssemblerMacros, HandWrittenSiteRoundTrips) {
  afterburner_note_header header;
  std::memcpy(&header, abi_asm_note, sizeof header);
  EXPECT_EQ(header.name_size, 12u);
  EXPECT_EQ(header.descriptor_size, 24u);
  EXPECT_EQ(header.type, AFTERBURNER_NOTE_TYPE_SITES);
  EXPECT_STREQ(reinterpret_cast<const char *>(abi_asm_note + 12), AFTERBURNER_NOTE_NAME);

  const auto *site = reinterpret_cast<const afterburner_site *>(abi_asm_note + 24);
  EXPECT_EQ(afterburner_site_address(site), reinterpret_cast<uintptr_t>(abi_asm_site));
  EXPECT_EQ(site->op, AFTERBURNER_OP_in_imm);
  EXPECT_EQ(site->insn_length, 2);
  EXPECT_EQ(site->site_length, AFTERBURNER_SITE_SIZE_CALL);
  EXPECT_EQ(abi_asm_site_end - abi_asm_site, AFTERBURNER_SITE_SIZE_CALL);
  EXPECT_EQ(site->operand_form, AFTERBURNER_OPERAND_IMMEDIATE);
  EXPECT_EQ(site->immediate, 0x60);
  EXPECT_EQ(site->reg, AFTERBURNER_REG_NONE);

  const unsigned char expectedPadding[] = {AFTERBURNER_NOP9, AFTERBURNER_NOP1};
  EXPECT_EQ(std::memcmp(abi_asm_site + 2, expectedPadding, sizeof expectedPadding), 0);
}

} // namespace
