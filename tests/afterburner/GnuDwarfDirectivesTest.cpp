// GnuDwarfDirectivesTest.cpp: GCC 12 `-g` output (DWARF 5 `.file 0` + duplicate `.file 1`,
// `.loc ... view .LVUn`) assembles, verifies, and matches GNU as's line table and views.
#include "TestSupport.h"

#include <gtest/gtest.h>

namespace afterburner {
namespace {

std::string dwarfdump(const std::string &arguments) {
  return std::string(AFTERBURNER_LLVM_DWARFDUMP) + " " + arguments;
}

TEST(GnuDwarfDirectives, GccDwarf5WithViewsVerifies) {
  std::string object = test::assemble("gcc-dwarf5-views.s", "--64 --gdwarf-5");
  test::RunResult verify = test::run(dwarfdump("--verify " + object));
  EXPECT_EQ(verify.ExitCode, 0) << verify.Output;
  EXPECT_NE(verify.Output.find("No errors."), std::string::npos) << verify.Output;
  test::RunResult lines = test::run(dwarfdump("--debug-line " + object));
  EXPECT_NE(lines.Output.find("name: \"dwarf.h\""), std::string::npos) << lines.Output;
}

// The rows of the line table and the location lists (which carry the view numbers) are
// the ones GNU as produces for the same input.
TEST(GnuDwarfDirectives, LineTableAndViewsMatchGnuAs) {
  if (test::run("command -v as").ExitCode != 0)
    GTEST_SKIP() << "GNU as not installed";
  std::string ours = test::assemble("gcc-dwarf5-views.s", "--64 --gdwarf-5 --no-sites");
  std::string gnu = ours + ".gnu.o";
  ASSERT_EQ(test::run("as --64 --gdwarf-5 -o " + gnu + " " + test::inputPath("gcc-dwarf5-views.s"))
                .ExitCode,
            0);
  auto rows = [](const std::string &object) {
    std::string text = test::run(dwarfdump("--debug-line " + object) + " | grep '^0x'").Output;
    return text;
  };
  EXPECT_EQ(rows(ours), rows(gnu));
  auto loclists = [](const std::string &object) {
    return test::run("objdump -s -j .debug_loclists " + object + " | tail -n +5").Output;
  };
  EXPECT_EQ(loclists(ours), loclists(gnu));
}

TEST(GnuDwarfDirectives, AssemblySourceGetsItsOwnLineTableWithG) {
  std::string object = test::assemble("regions.s", "--64 -g");
  test::RunResult lines = test::run(dwarfdump("--debug-line " + object));
  EXPECT_NE(lines.Output.find("regions.s"), std::string::npos) << lines.Output;
  EXPECT_EQ(test::run(dwarfdump("--verify " + object)).ExitCode, 0);
}

} // namespace
} // namespace afterburner
