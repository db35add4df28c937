// NotesCommandTest.cpp: `afterburner notes` on objects, archives and linked images.
#include "TestSupport.h"

#include <gtest/gtest.h>

namespace afterburner {
namespace {

std::string notes(const std::string &arguments) {
  test::RunResult result = test::run(std::string(AFTERBURNER_TOOL_PATH) + " notes " + arguments);
  EXPECT_EQ(result.ExitCode, 0) << result.Output;
  return result.Output;
}

TEST(NotesCommand, TableOfAnObjectResolvesSitesThroughRelocations) {
  std::string output = notes(test::assemble("macros.s", "--64"));
  EXPECT_NE(output.find("0x0000000000000000 .altinstr_replacement    stac"), std::string::npos)
      << output;
  EXPECT_NE(output.find("0x0000000000000010 .text                    sti"), std::string::npos)
      << output;
  EXPECT_NE(output.find("totals: cli=1 hlt=1 in_imm=1 out_imm=2 pushf=3 rdmsr=1 stac=1 sti=2 "
                        "wrmsr=1 (13 sites)"),
            std::string::npos)
      << output;
}

TEST(NotesCommand, JsonCarriesEveryField) {
  std::string output = notes("--json " + test::assemble("operands-64.s", "--64"));
  EXPECT_NE(output.find("\"op\": \"in_imm\""), std::string::npos);
  EXPECT_NE(output.find("\"immediate\": 96"), std::string::npos);
  EXPECT_NE(output.find("\"totals\": {"), std::string::npos);
  EXPECT_EQ(test::run("printf '%s' '" + output + "' | python3 -m json.tool > /dev/null").ExitCode,
            0)
      << output;
}

TEST(NotesCommand, ArchiveMembersAndLinkedImages) {
  std::string object = test::assemble("regions.s", "--64");
  std::string archive = object + ".a";
  ASSERT_EQ(test::run("ar rcs " + archive + " " + object).ExitCode, 0);
  EXPECT_NE(notes(archive).find("(regions.s.o):"), std::string::npos);

  std::string image = object + ".elf";
  ASSERT_EQ(test::run("ld -e 0 -o " + image + " -Ttext=0x200000 " + object).ExitCode, 0);
  std::string output = notes(image);
  EXPECT_NE(output.find("0x0000000000200000 .text                    cli"), std::string::npos)
      << output;
  EXPECT_NE(output.find("0x0000000000200014 .text                    hlt"), std::string::npos)
      << output;
  test::RunResult readelf = test::run("readelf -n -W " + image);
  EXPECT_EQ(readelf.ExitCode, 0);
  EXPECT_NE(readelf.Output.find("Afterburner"), std::string::npos) << readelf.Output;
  EXPECT_EQ(readelf.Output.find("Warning"), std::string::npos) << readelf.Output;
}

TEST(NotesCommand, ShowsPatchStateAndPrepatchedSites) {
  std::string object = test::assemble("patch-state.s", "--64 --no-sites");
  std::string image = object + ".elf";
  ASSERT_EQ(test::run("ld -o " + image + " -Ttext=0x100000 " + object).ExitCode, 0);
  std::string output = notes(image);
  EXPECT_NE(output.find("patch state: wedge 'xen', 3 sites pre-patched"), std::string::npos)
      << output;
  EXPECT_NE(output.find("prepatched"), std::string::npos) << output;
  EXPECT_NE(notes("--json " + image).find("\"prepatched\": true"), std::string::npos);
}

TEST(NotesCommand, MissingFileIsAnError) {
  test::RunResult result =
      test::run(std::string(AFTERBURNER_TOOL_PATH) + " notes /nonexistent/file.o");
  EXPECT_EQ(result.ExitCode, 1);
  EXPECT_NE(result.Output.find("cannot open"), std::string::npos) << result.Output;
}

} // namespace
} // namespace afterburner
