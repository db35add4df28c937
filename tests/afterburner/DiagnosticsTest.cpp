// DiagnosticsTest.cpp: malformed inputs fail with a GNU-style `file:line: Error:` line,
// exit 1, and leave no output behind.
#include "TestSupport.h"

#include <gtest/gtest.h>

namespace afterburner {
namespace {

struct Malformed {
  const char *File;
  int Line;
};

class MalformedInput : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedInput, ReportsFileAndLineAndWritesNothing) {
  std::string directory = test::scratchDirectory();
  std::string output = directory + "/out.o";
  std::string input = test::inputPath(std::string("malformed/") + GetParam().File);
  test::RunResult result =
      test::run("cd " + directory + " && " + AFTERBURNER_AS_PATH + " -o " + output + " " + input);
  EXPECT_EQ(result.ExitCode, 1) << result.Output;
  std::string location = input + ":" + std::to_string(GetParam().Line) + ": Error: ";
  EXPECT_NE(result.Output.find(location), std::string::npos) << result.Output;
  EXPECT_FALSE(test::fileExists(output));
  EXPECT_EQ(test::run("ls -A " + directory).Output, "") << "no temporary file left behind";
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, MalformedInput,
    ::testing::Values(Malformed{"afterburner-off-with-operand.s", 2},
                      Malformed{"bad-code-directive.s", 3}, Malformed{"bad-expression.s", 2},
                      Malformed{"bad-mnemonic.s", 2}, Malformed{"bad-register.s", 2},
                      Malformed{"bad-scale.s", 2}, Malformed{"bad-section-flags.s", 2},
                      Malformed{"division-by-zero.s", 2}, Malformed{"file-number-reused.s", 3},
                      Malformed{"file-without-name.s", 2}, Malformed{"irp-without-symbol.s", 2},
                      Malformed{"loc-view-without-value.s", 2}, Malformed{"missing-include.s", 1},
                      Malformed{"page-table-store-at-end.s", 2},
                      Malformed{"page-table-store-not-a-store.s", 3},
                      Malformed{"page-table-store-off-not-a-store.s", 4},
                      Malformed{"page-table-store-then-data.s", 1},
                      Malformed{"page-table-store-wrong-width.s", 3},
                      Malformed{"port-out-of-range.s", 2}, Malformed{"symbol-redefinition.s", 2},
                      Malformed{"too-many-operands.s", 3}, Malformed{"truncated-macro.s", 1},
                      Malformed{"truncated-operand.s", 2}, Malformed{"unassigned-loc-file.s", 1},
                      Malformed{"unknown-directive.s", 1},
                      Malformed{"unknown-loc-subdirective.s", 2}, Malformed{"unmatched-endif.s", 2},
                      Malformed{"unmatched-endm.s", 2}, Malformed{"unterminated-string.s", 2}),
    [](const ::testing::TestParamInfo<Malformed> &info) {
      std::string name = info.param.File;
      name = name.substr(0, name.size() - 2);
      for (char &character : name)
        if (character == '-')
          character = '_';
      return name;
    });

TEST(Diagnostics, FailureKeepsAnExistingOutputUntouched) {
  std::string directory = test::scratchDirectory();
  std::string output = directory + "/out.o";
  test::run("printf old > " + output);
  test::RunResult result = test::run(std::string(AFTERBURNER_AS_PATH) + " -o " + output + " " +
                                     test::inputPath("malformed/bad-mnemonic.s"));
  EXPECT_EQ(result.ExitCode, 1);
  EXPECT_EQ(test::readBytes(output), std::vector<uint8_t>({'o', 'l', 'd'}));
}

TEST(Diagnostics, BadOptionsAreClearErrors) {
  std::string directory = test::scratchDirectory();
  for (const char *options :
       {"--frobnicate", "--defsym nonsense", "-mrelax-relocations=maybe", "--32 --64"}) {
    test::RunResult result = test::run(std::string(AFTERBURNER_AS_PATH) + " " + options + " -o " +
                                       directory + "/out.o " + test::inputPath("regions.s"));
    EXPECT_EQ(result.ExitCode, 1) << options;
    EXPECT_NE(result.Output.find("Error: "), std::string::npos) << options << result.Output;
    EXPECT_FALSE(test::fileExists(directory + "/out.o")) << options;
  }
}

TEST(Diagnostics, StandardInputIsNamedLikeGnuAs) {
  test::RunResult result =
      test::run("printf 'nop\\nbogus\\n' | " + std::string(AFTERBURNER_AS_PATH) + " -o /dev/null");
  EXPECT_EQ(result.ExitCode, 1);
  EXPECT_NE(result.Output.find("{standard input}:2: Error: "), std::string::npos) << result.Output;
}

TEST(Diagnostics, WarningsCanBeFatal) {
  std::string directory = test::scratchDirectory();
  test::run("printf '.warning \"careful\"\\nnop\\n' > " + directory + "/warn.s");
  std::string command =
      std::string(AFTERBURNER_AS_PATH) + " -o " + directory + "/out.o " + directory + "/warn.s";
  test::RunResult plain = test::run(command);
  EXPECT_EQ(plain.ExitCode, 0) << plain.Output;
  EXPECT_NE(plain.Output.find("warn.s:1: Warning: careful"), std::string::npos) << plain.Output;
  EXPECT_EQ(test::run(command + " -W").Output.find("Warning"), std::string::npos);
  test::RunResult fatal = test::run(command + " --fatal-warnings");
  EXPECT_EQ(fatal.ExitCode, 1) << fatal.Output;
}

} // namespace
} // namespace afterburner
