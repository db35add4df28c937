// SensitiveInstructionTest.cpp: the classification table, and every op in every mode it
// exists in, assembled and read back.
#include "afterburner/SensitiveInstruction.h"

#include "TestSupport.h"

#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/TargetRegistry.h"

#include <gtest/gtest.h>

extern "C" void LLVMInitializeX86TargetInfo();
extern "C" void LLVMInitializeX86TargetMC();

namespace afterburner {
namespace {

TEST(SensitiveInstructionTable, EveryOpcodeNameResolves) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86TargetMC();
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget("x86_64-pc-linux-gnu", error);
  ASSERT_TRUE(target) << error;
  std::unique_ptr<llvm::MCInstrInfo> instructions(target->createMCInstrInfo());
  std::unique_ptr<llvm::MCRegisterInfo> registers(target->createMCRegInfo("x86_64-pc-linux-gnu"));
  SensitiveInstructionTable table(*instructions, *registers);
  EXPECT_TRUE(table.unresolvedNames().empty()) << table.unresolvedNames().front();
}

TEST(SensitiveInstructionTable, EveryOpHasARow) {
  std::vector<bool> seen(AFTERBURNER_OP_LIMIT, false);
  for (const OpcodeRow &row : SensitiveInstructionTable::rows())
    if (row.Op)
      seen[row.Op] = true;
  // Annotated ops come from the stores `.afterburner_page_table_store` accepts.
  for (const OpcodeRow &row : SensitiveInstructionTable::annotatedRows())
    seen[row.Op] = true;
  // Control-register ops come from the MOV*rc/MOV*cr rows and the register number.
  for (unsigned op = AFTERBURNER_OP_read_cr0; op <= AFTERBURNER_OP_write_cr8; ++op)
    seen[op] = true;
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
    EXPECT_TRUE(seen[op]) << "op " << op << " has no opcode row";
}

struct ModeCase {
  const char *Input;
  const char *Options;
  unsigned Mode;
  unsigned ModeBit;
};

class EveryOp : public ::testing::TestWithParam<ModeCase> {};

const unsigned opModes[AFTERBURNER_OP_LIMIT] = {0,
#define AFTERBURNER_OP_MODES(name, id, size, class_, flow, modes) modes,
                                                AFTERBURNER_SITE_OPS(AFTERBURNER_OP_MODES)
#undef AFTERBURNER_OP_MODES
};
const unsigned opSizes[AFTERBURNER_OP_LIMIT] = {0,
#define AFTERBURNER_OP_SIZE(name, id, size, class_, flow, modes) size,
                                                AFTERBURNER_SITE_OPS(AFTERBURNER_OP_SIZE)
#undef AFTERBURNER_OP_SIZE
};

// The input lists one instruction per op existing in the mode, in id order: the records
// must name exactly those ops, each site must hold the original bytes (as assembled with
// --no-sites) followed by canonical nops, and be sized max(insn, op minimum).
TEST_P(EveryOp, AssemblesToSitesInIdOrder) {
  const ModeCase &mode = GetParam();
  std::vector<test::Site> sites = test::readSites(test::assemble(mode.Input, mode.Options));
  std::vector<unsigned> expected, found;
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
    if (opModes[op] & mode.ModeBit)
      expected.push_back(op);
  for (const test::Site &site : sites)
    found.push_back(site.Record.op);
  ASSERT_EQ(found, expected);

  std::string native = test::assemble(mode.Input, std::string(mode.Options) + " --no-sites");
  std::string error;
  auto nativeFile = elf::ElfFile::open(native, error);
  ASSERT_TRUE(nativeFile) << error;
  elf::ByteRange text = nativeFile->sectionBytes(*nativeFile->findSection(".text"));
  size_t at = 0;
  uint64_t expectedOffset = 0;
  for (const test::Site &site : sites) {
    const afterburner_site &record = site.Record;
    SCOPED_TRACE("op " + std::to_string(record.op));
    EXPECT_EQ(site.Section, ".text");
    EXPECT_EQ(site.Offset, expectedOffset);
    EXPECT_EQ(record.mode, mode.Mode);
    EXPECT_GE(record.insn_length, 1u);
    EXPECT_EQ(record.site_length, std::max<unsigned>(record.insn_length, opSizes[record.op]));
    ASSERT_EQ(site.Bytes.size(), record.site_length);
    ASSERT_LE(at + record.insn_length, text.Size);
    std::vector<uint8_t> original(text.Data + at, text.Data + at + record.insn_length);
    EXPECT_EQ(std::vector<uint8_t>(site.Bytes.begin(), site.Bytes.begin() + record.insn_length),
              original);
    EXPECT_EQ(std::vector<uint8_t>(site.Bytes.begin() + record.insn_length, site.Bytes.end()),
              test::canonicalPadding(record.site_length - record.insn_length, mode.Mode));
    at += record.insn_length;
    expectedOffset += record.site_length;
  }
  EXPECT_EQ(at, text.Size) << "every instruction of the input is a site";
}

INSTANTIATE_TEST_SUITE_P(Modes, EveryOp,
                         ::testing::Values(ModeCase{"ops-64.s", "--64", 64, AFTERBURNER_MODE_64},
                                           ModeCase{"ops-32.s", "--32", 32, AFTERBURNER_MODE_32},
                                           ModeCase{"ops-16.s", "--32", 16, AFTERBURNER_MODE_16}),
                         [](const ::testing::TestParamInfo<ModeCase> &info) {
                           return "Mode" + std::to_string(info.param.Mode);
                         });

} // namespace
} // namespace afterburner
