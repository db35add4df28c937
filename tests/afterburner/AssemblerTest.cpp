// AssemblerTest.cpp: afterburner-as end to end: operand fields, look-alikes, macros,
// regions, COMDAT groups, determinism and the drop-in behaviour (shim, gcc -B, --version).
#include "TestSupport.h"

#include <gtest/gtest.h>

namespace afterburner {
namespace {

constexpr uint8_t none = AFTERBURNER_REG_NONE;

struct Expected {
  unsigned Op, InsnLength, Form, Width, Reg, Special, Base, Index, Scale, Segment, Immediate;
  int32_t Displacement;
  unsigned Flags;
};

void expectFields(const test::Site &site, const Expected &expected, size_t line) {
  const afterburner_site &record = site.Record;
  SCOPED_TRACE("record " + std::to_string(line));
  EXPECT_EQ(record.op, expected.Op);
  EXPECT_EQ(record.insn_length, expected.InsnLength);
  EXPECT_EQ(record.operand_form, expected.Form);
  EXPECT_EQ(record.operand_width, expected.Width);
  EXPECT_EQ(record.reg, expected.Reg);
  EXPECT_EQ(record.special, expected.Special);
  EXPECT_EQ(record.base, expected.Base);
  EXPECT_EQ(record.index, expected.Index);
  EXPECT_EQ(record.scale, expected.Scale);
  EXPECT_EQ(record.segment, expected.Segment);
  EXPECT_EQ(record.immediate, expected.Immediate);
  if (record.operand_form != AFTERBURNER_OPERAND_MEMORY_SELF_RELATIVE) {
    EXPECT_EQ(record.displacement, expected.Displacement);
  }
  EXPECT_EQ(record.flags, expected.Flags);
}

#define OP(name) AFTERBURNER_OP_##name
constexpr unsigned NONE = AFTERBURNER_OPERAND_NONE, GPR = AFTERBURNER_OPERAND_GPR,
                   MEM = AFTERBURNER_OPERAND_MEMORY, REL = AFTERBURNER_OPERAND_MEMORY_SELF_RELATIVE,
                   IMM = AFTERBURNER_OPERAND_IMMEDIATE, FAR = AFTERBURNER_OPERAND_FAR_POINTER,
                   REP = AFTERBURNER_SITE_FLAG_REP;

TEST(Assembler, OperandFields64) {
  std::vector<test::Site> sites = test::readSites(test::assemble("operands-64.s", "--64"));
  const std::vector<Expected> expected = {
      {OP(in_imm), 2, IMM, 1, none, none, none, none, 0, none, 0x60, 0, 0},
      {OP(out_dx), 1, NONE, 4, none, none, none, none, 0, none, 0, 0, 0},
      {OP(read_cr3), 3, GPR, 8, none, 3, 3, none, 0, none, 0, 0, 0},
      {OP(write_cr4), 4, GPR, 8, none, 4, 12, none, 0, none, 0, 0, 0},
      {OP(read_dr), 3, GPR, 8, none, 7, 0, none, 0, none, 0, 0, 0},
      {OP(lgdt), 5, MEM, 8, none, none, 3, 1, 2, none, 0, 8, 0},
      {OP(lidt), 7, REL, 8, none, none, none, none, 0, none, 0, 0, 0},
      {OP(lidt), 7, REL, 8, none, none, none, none, 0, none, 0, 0, 0},
      {OP(write_sreg), 2, GPR, 2, none, AFTERBURNER_SEG_SS, 0, none, 0, none, 0, 0, 0},
      {OP(read_sreg), 2, MEM, 2, none, AFTERBURNER_SEG_GS, 7, none, 0, none, 0, 0, 0},
      {OP(load_far_pointer), 5, MEM, 4, 4, AFTERBURNER_SEG_SS, 4, none, 0, none, 0, 4, 0},
      {OP(ins), 2, NONE, 1, none, none, none, none, 0, none, 0, 0, REP},
      {OP(outs), 3, NONE, 2, none, none, none, none, 0, none, 0, 0, REP},
      {OP(outs), 2, NONE, 1, none, none, none, none, 0, AFTERBURNER_SEG_FS, 0, 0, 0},
      {OP(lidt), 4, MEM, 8, none, none, 0, none, 0, AFTERBURNER_SEG_CS, 0, 0, 0},
      {OP(int_n), 2, IMM, 0, none, none, none, none, 0, none, 0x80, 0, 0},
      {OP(far_ret), 4, IMM, 8, none, none, none, none, 0, none, 8, 0, 0},
      {OP(lar), 3, GPR, 4, 2, none, 1, none, 0, none, 0, 0, 0},
      {OP(invpcid), 5, MEM, 8, 1, none, 0, none, 0, none, 0, 0, 0},
      {OP(pushf), 2, NONE, 2, none, none, none, none, 0, none, 0, 0, 0},
      {OP(lgdt), 8, MEM, 8, none, none, none, none, 0, none, 0, 0, 0},
      {OP(rdfsbase), 5, GPR, 8, none, none, 9, none, 0, none, 0, 0, 0},
  };
  ASSERT_EQ(sites.size(), expected.size());
  for (size_t index = 0; index < sites.size(); ++index)
    expectFields(sites[index], expected[index], index);
  // RIP-relative operands are self-relative: the constant form points past the
  // instruction, the symbolic one at its symbol.
  EXPECT_EQ(sites[6].TargetSection, ".text");
  EXPECT_EQ(sites[6].TargetOffset, int64_t(sites[6].Offset + 7 + 0x10));
  EXPECT_EQ(sites[7].TargetSection, ".data");
  EXPECT_EQ(sites[7].TargetOffset, 0);
  // `rep; outsw` written as two statements: the site starts at the prefix.
  EXPECT_EQ(sites[12].Bytes[0], 0xf3);
}

TEST(Assembler, OperandFields32) {
  std::vector<test::Site> sites = test::readSites(test::assemble("operands-32.s", "--32"));
  const std::vector<Expected> expected = {
      {OP(far_jmp), 7, FAR, 4, none, none, none, none, 0, none, 0x10, 0x1000, 0},
      {OP(far_call), 6, FAR, 2, none, none, none, none, 0, none, 0x18, 0x20, 0},
      {OP(arpl), 2, GPR, 2, 0, none, 3, none, 0, none, 0, 0, 0},
      {OP(lgdt), 7, MEM, 4, none, none, none, none, 0, none, 0, 0, 0},
      {OP(push_sreg), 1, NONE, 4, none, AFTERBURNER_SEG_SS, none, none, 0, none, 0, 0, 0},
      {OP(sldt), 4, GPR, 2, none, none, 0, none, 0, none, 0, 0, 0},
      {OP(write_sreg), 5, MEM, 2, none, AFTERBURNER_SEG_SS, 6, 7, 3, AFTERBURNER_SEG_DS, 0, 4, 0},
  };
  ASSERT_EQ(sites.size(), expected.size());
  for (size_t index = 0; index < sites.size(); ++index) {
    expectFields(sites[index], expected[index], index);
    EXPECT_EQ(sites[index].Record.mode, 32u);
  }
}

// `.afterburner_page_table_store` makes the next store an annotated site (site_abi.h 6a):
// the entry's address as a memory operand, the register holding the entry in reg. The
// unmarked store between them stays a plain store.
TEST(Assembler, PageTableStoresAreAnnotatedSites64) {
  std::vector<test::Site> sites = test::readSites(test::assemble("page-table-store.s", "--64"));
  constexpr unsigned store = OP(page_table_store), exchange = OP(page_table_exchange);
  const std::vector<Expected> expected = {
      {store, 5, MEM, 8, AFTERBURNER_REG_RBX, none, 7, 1, 3, none, 0, 8, 0},
      {store, 7, REL, 8, AFTERBURNER_REG_RAX, none, none, none, 0, none, 0, 0, 0},
      {store, 4, MEM, 8, 12, none, 2, none, 0, AFTERBURNER_SEG_GS, 0, 0, 0},
      {exchange, 3, MEM, 8, AFTERBURNER_REG_RCX, none, 7, none, 0, none, 0, 0, 0},
      {store, 4, MEM, 8, AFTERBURNER_REG_RSI, none, 0, none, 0, none, 0, 0x18, 0},
  };
  ASSERT_EQ(sites.size(), expected.size());
  for (size_t index = 0; index < sites.size(); ++index) {
    expectFields(sites[index], expected[index], index);
    EXPECT_EQ(sites[index].Record.site_length, AFTERBURNER_SITE_SIZE_CALL);
  }
  EXPECT_EQ(sites[1].Offset, 12u + 3) << "the unmarked movq stays a plain 3-byte store";
  EXPECT_EQ(sites[1].TargetSection, ".data");
  EXPECT_EQ(sites[1].TargetOffset, 0);
}

TEST(Assembler, PageTableStoresAreAnnotatedSites32) {
  std::vector<test::Site> sites = test::readSites(test::assemble("page-table-store-32.s", "--32"));
  constexpr unsigned store = OP(page_table_store), exchange = OP(page_table_exchange);
  const std::vector<Expected> expected = {
      {store, 3, MEM, 4, AFTERBURNER_REG_RBX, none, 6, 2, 2, none, 0, 0, 0},
      {store, 5, MEM, 4, AFTERBURNER_REG_RAX, none, none, none, 0, none, 0, 8, 0}, // a3 moffs
      {exchange, 2, MEM, 4, AFTERBURNER_REG_RCX, none, 7, none, 0, none, 0, 0, 0},
  };
  ASSERT_EQ(sites.size(), expected.size());
  for (size_t index = 0; index < sites.size(); ++index) {
    expectFields(sites[index], expected[index], index);
    EXPECT_EQ(sites[index].Record.mode, 32u);
  }
}

// In a native region the directive is checked but the store stays plain.
TEST(Assembler, PageTableStoreInANativeRegionStaysPlain) {
  std::vector<test::Site> sites = test::readSites(test::assemble("page-table-store-off.s", "--64"));
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].Record.op, OP(page_table_store));
  EXPECT_EQ(sites[0].Offset, 3u);
  EXPECT_EQ(sites[0].Record.reg, AFTERBURNER_REG_RDX);
  EXPECT_EQ(sites[0].Record.base, AFTERBURNER_REG_RSI);
  EXPECT_TRUE(test::readSites(test::assemble("page-table-store.s", "--no-sites")).empty());
}

TEST(Assembler, LookAlikesMakeNoSite) {
  std::string object = test::assemble("lookalikes.s", "--64");
  EXPECT_TRUE(test::readSites(object).empty());
  std::string error;
  auto file = elf::ElfFile::open(object, error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->findSection(AFTERBURNER_NOTE_SECTION), nullptr) << "no sites, no note section";
}

TEST(Assembler, MacrosRepeatsAndReplacementStringsMakeSites) {
  std::vector<test::Site> sites = test::readSites(test::assemble("macros.s", "--64"));
  struct Row {
    unsigned Op;
    const char *Section;
    unsigned Flags;
  };
  const std::vector<Row> expected = {
      {OP(cli), ".text", 0},
      {OP(sti), ".text", 0},
      {OP(sti), ".text", 0},
      {OP(pushf), ".text", 0},
      {OP(pushf), ".text", 0},
      {OP(pushf), ".text", 0},
      {OP(out_imm), ".text", 0},
      {OP(out_imm), ".text", 0},
      {OP(in_imm), ".text", 0},
      {OP(stac), ".altinstr_replacement", AFTERBURNER_SITE_FLAG_COPIED_SECTION},
      {OP(wrmsr), ".init.text", AFTERBURNER_SITE_FLAG_INIT_SECTION},
      {OP(rdmsr), ".exit.text", AFTERBURNER_SITE_FLAG_EXIT_SECTION},
      {OP(hlt), ".head.text", AFTERBURNER_SITE_FLAG_EARLY},
  };
  ASSERT_EQ(sites.size(), expected.size());
  for (size_t index = 0; index < sites.size(); ++index) {
    SCOPED_TRACE(index);
    EXPECT_EQ(sites[index].Record.op, expected[index].Op);
    EXPECT_EQ(sites[index].Section, expected[index].Section);
    EXPECT_EQ(sites[index].Record.flags, expected[index].Flags);
  }
  EXPECT_EQ(sites[7].Record.immediate, 0xa0);
  EXPECT_EQ(sites[8].Record.immediate, 0x61) << ".altmacro expression";
}

TEST(Assembler, RegionsSwitchedOffStayNative) {
  std::vector<test::Site> sites = test::readSites(test::assemble("regions.s", "--64"));
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0].Record.op, OP(cli));
  EXPECT_EQ(sites[1].Record.op, OP(hlt));
  EXPECT_EQ(sites[1].Offset, 16u + 1 + 3) << "sti and mov %cr0 kept their native size";
  for (const char *option : {"--no-sites", "--afterburner-off"})
    EXPECT_TRUE(test::readSites(test::assemble("ops-64.s", option)).empty()) << option;
}

TEST(Assembler, ComdatSitesGoToANoteInTheSameGroup) {
  std::string object = test::assemble("comdat.s", "--64");
  std::vector<test::Site> sites = test::readSites(object);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_NE(sites[0].NoteSection, sites[1].NoteSection);
  std::string error;
  auto file = elf::ElfFile::open(object, error);
  ASSERT_TRUE(file) << error;
  unsigned groupedNote = 0;
  for (const elf::Section &section : file->sections())
    if (section.Name == AFTERBURNER_NOTE_SECTION && (section.Flags & 0x200 /* SHF_GROUP */))
      groupedNote = section.Index;
  ASSERT_NE(groupedNote, 0u);
  bool listed = false;
  for (const elf::Section &section : file->sections()) {
    if (section.Type != 17 /* SHT_GROUP */)
      continue;
    elf::ByteRange members = file->sectionBytes(section);
    for (size_t at = 4; at + 4 <= members.Size; at += 4)
      listed |= uint32_t(members.Data[at] | members.Data[at + 1] << 8) == groupedNote;
  }
  EXPECT_TRUE(listed) << "the group lists its note section";
}

TEST(Assembler, SameInputSameBytes) {
  for (const char *input : {"determinism.s", "gcc-dwarf5-views.s", "ops-64.s"}) {
    std::string first = test::assemble(input, "--64 --gdwarf-5");
    std::string second = first + ".again.o";
    test::RunResult result = test::run(std::string(AFTERBURNER_AS_PATH) + " --64 --gdwarf-5 -o " +
                                       second + " " + test::inputPath(input));
    ASSERT_EQ(result.ExitCode, 0) << result.Output;
    EXPECT_EQ(test::readBytes(first), test::readBytes(second)) << input;
  }
}

// Plain data and .loc statements are emitted straight from the text (the fast path in
// StatementText.h); the same statements with a comment appended go through LLVM's own
// parser. Both must give the same bytes, on a hand-written edge-case file and on real
// gcc -g output.
TEST(Assembler, PlainStatementsMatchTheTokenParser) {
  for (const char *input : {"plain-statements.s", "gcc-dwarf5-views.s"}) {
    std::string plain = test::assemble(input, "--64");
    std::string commented = test::scratchDirectory() + "/" + input + ".commented.s";
    test::RunResult edit =
        test::run("sed 's/$/ # token parser/' " + test::inputPath(input) + " > " + commented);
    ASSERT_EQ(edit.ExitCode, 0) << edit.Output;
    std::string object = commented + ".o";
    test::RunResult result =
        test::run(std::string(AFTERBURNER_AS_PATH) + " --64 -o " + object + " " + commented);
    ASSERT_EQ(result.ExitCode, 0) << input << ": " << result.Output;
    EXPECT_EQ(test::readBytes(plain), test::readBytes(object)) << input;
  }
}

TEST(Assembler, VersionLooksLikeGnuAs) {
  test::RunResult result = test::run(std::string(AFTERBURNER_AS_PATH) + " --version");
  EXPECT_EQ(result.ExitCode, 0);
  std::string first = result.Output.substr(0, result.Output.find('\n'));
  EXPECT_EQ(first.rfind("GNU assembler", 0), 0u) << first;
  EXPECT_EQ(first.substr(first.rfind(' ') + 1), "2.40") << first;
}

TEST(Assembler, GccFindsTheShim) {
  std::string directory = test::scratchDirectory();
  std::string source = directory + "/probe.c";
  test::run("printf 'void f(void){ __asm__ volatile(\"cli\"); }\\n' > " + source);
  test::RunResult result = test::run("gcc -B" + std::string(AFTERBURNER_SHIM_DIR) + "/ -c -O2 -o " +
                                     directory + "/probe.o " + source);
  ASSERT_EQ(result.ExitCode, 0) << result.Output;
  std::vector<test::Site> sites = test::readSites(directory + "/probe.o");
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].Record.op, OP(cli));
}

TEST(Assembler, ClangWithoutIntegratedAssemblerFindsTheShim) {
  if (test::run("command -v clang-19").ExitCode != 0)
    GTEST_SKIP() << "clang-19 not installed";
  std::string directory = test::scratchDirectory();
  std::string source = directory + "/probe.c";
  test::run("printf 'void f(void){ __asm__ volatile(\"sti\"); }\\n' > " + source);
  test::RunResult result =
      test::run("clang-19 -fno-integrated-as -g -B" + std::string(AFTERBURNER_SHIM_DIR) +
                "/ -c -O2 -o " + directory + "/probe.o " + source);
  ASSERT_EQ(result.ExitCode, 0) << result.Output;
  // clang's DWARF 5 output carries `.file 0 ... md5 0x...` (a 128-bit number).
  EXPECT_EQ(
      test::run(std::string(AFTERBURNER_LLVM_DWARFDUMP) + " --verify " + directory + "/probe.o")
          .ExitCode,
      0);
  std::vector<test::Site> sites = test::readSites(directory + "/probe.o");
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].Record.op, OP(sti));
}

TEST(Assembler, ReadsStandardInputAndSeveralInputs) {
  std::string directory = test::scratchDirectory();
  test::RunResult piped = test::run("printf 'cli\\n' | " + std::string(AFTERBURNER_AS_PATH) +
                                    " -o " + directory + "/stdin.o");
  ASSERT_EQ(piped.ExitCode, 0) << piped.Output;
  EXPECT_EQ(test::readSites(directory + "/stdin.o").size(), 1u);
  test::RunResult joined =
      test::run(std::string(AFTERBURNER_AS_PATH) + " -o " + directory + "/joined.o " +
                test::inputPath("regions.s") + " " + test::inputPath("comdat.s"));
  ASSERT_EQ(joined.ExitCode, 0) << joined.Output;
  EXPECT_EQ(test::readSites(directory + "/joined.o").size(), 4u);
}

} // namespace
} // namespace afterburner

namespace afterburner {
namespace {

TEST(Assembler, InstructionsWrittenAsBytesMakeSites) {
  std::vector<test::Site> sites = test::readSites(test::assemble("byte-encoded.s", "--64"));
  ASSERT_EQ(sites.size(), 4u);
  EXPECT_EQ(sites[0].Record.op, AFTERBURNER_OP_stac);
  EXPECT_EQ(sites[0].Bytes,
            std::vector<uint8_t>({0x0f, 0x01, 0xcb, 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}));
  EXPECT_EQ(sites[1].Record.op, AFTERBURNER_OP_xsaves);
  EXPECT_EQ(sites[1].Record.operand_form, AFTERBURNER_OPERAND_MEMORY);
  EXPECT_EQ(sites[1].Record.base, AFTERBURNER_REG_RDI);
  EXPECT_EQ(sites[1].Record.operand_width, 8u);
  EXPECT_EQ(sites[2].Record.op, AFTERBURNER_OP_clac);
  EXPECT_EQ(sites[2].Section, ".altinstr_replacement");
  EXPECT_EQ(sites[3].Record.op, AFTERBURNER_OP_mwait);
  EXPECT_EQ(sites[3].Record.mode, 32u);
  EXPECT_EQ(sites[3].Offset, 12u + 12 + 1 + 2) << "the lone 0xfa and the add stayed data";
}

} // namespace
} // namespace afterburner
