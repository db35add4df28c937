// GnuAsOptionsTest.cpp: the GNU as command line as gcc, clang and Kbuild use it.
#include "afterburner/driver/GnuAsOptions.h"

#include <gtest/gtest.h>

namespace afterburner::driver {
namespace {

ParsedOptions parse(std::vector<const char *> arguments) {
  arguments.insert(arguments.begin(), "as");
  return parseGnuAsOptions(static_cast<int>(arguments.size()), arguments.data());
}

TEST(GnuAsOptions, WhatGccPasses) {
  ParsedOptions options = parse({"-v", "--gdwarf-5", "--64", "-o", "t.o", "/tmp/cc.s"});
  ASSERT_FALSE(options.Exit);
  const AssemblerInvocation &invocation = options.Invocation;
  EXPECT_EQ(invocation.Mode, AssemblerMode::Bits64);
  EXPECT_EQ(invocation.Output, "t.o");
  EXPECT_EQ(invocation.Inputs, std::vector<std::string>{"/tmp/cc.s"});
  EXPECT_TRUE(invocation.GenerateDebugInfo);
  EXPECT_EQ(invocation.DwarfVersion, 5u);
}

TEST(GnuAsOptions, WhatKbuildPasses) {
  ParsedOptions options = parse({"--32", "-I", "include", "-Iarch/x86/include", "--defsym",
                                 "ANSWER=42", "--defsym=MASK=0x10", "-mrelax-relocations=no",
                                 "--noexecstack", "--gdwarf-4", "-o", "x.o", "x.s"});
  ASSERT_FALSE(options.Exit);
  const AssemblerInvocation &invocation = options.Invocation;
  EXPECT_EQ(invocation.Mode, AssemblerMode::Bits32);
  EXPECT_EQ(invocation.IncludeDirectories,
            (std::vector<std::string>{"include", "arch/x86/include"}));
  ASSERT_EQ(invocation.Definitions.size(), 2u);
  EXPECT_EQ(invocation.Definitions[0].Name, "ANSWER");
  EXPECT_EQ(invocation.Definitions[0].Value, 42);
  EXPECT_EQ(invocation.Definitions[1].Value, 0x10);
  EXPECT_FALSE(invocation.RelaxRelocations);
  EXPECT_TRUE(invocation.NoExecStack);
  EXPECT_EQ(invocation.DwarfVersion, 4u);
}

TEST(GnuAsOptions, HarmlessCompatibilityOptionsAreAccepted) {
  ParsedOptions options = parse({"-Qy", "--traditional-format", "-mrelax-relocations=yes",
                                 "-march=generic64", "--x32", "-W", "--fatal-warnings", "-g"});
  ASSERT_FALSE(options.Exit) << options.ExitCode;
  EXPECT_EQ(options.Invocation.Mode, AssemblerMode::X32);
  EXPECT_TRUE(options.Invocation.RelaxRelocations);
  EXPECT_TRUE(options.Invocation.NoWarnings);
  EXPECT_TRUE(options.Invocation.FatalWarnings);
  EXPECT_TRUE(options.Invocation.Inputs.empty()) << "no input: standard input";
}

TEST(GnuAsOptions, SitesCanBeSwitchedOff) {
  EXPECT_TRUE(parse({"x.s"}).Invocation.SitesEnabled);
  EXPECT_FALSE(parse({"--no-sites", "x.s"}).Invocation.SitesEnabled);
  EXPECT_FALSE(parse({"--afterburner-off", "x.s"}).Invocation.SitesEnabled);
}

TEST(GnuAsOptions, SeveralInputsAndStandardInput) {
  ParsedOptions options = parse({"a.s", "-", "b.s"});
  EXPECT_EQ(options.Invocation.Inputs, (std::vector<std::string>{"a.s", "-", "b.s"}));
}

TEST(GnuAsOptions, VersionAndHelpExitZero) {
  testing::internal::CaptureStdout();
  ParsedOptions version = parse({"--version"});
  std::string text = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(version.Exit);
  EXPECT_EQ(version.ExitCode, 0);
  EXPECT_EQ(text.rfind("GNU assembler (Afterburner", 0), 0u) << text;
  testing::internal::CaptureStdout();
  ParsedOptions help = parse({"--help"});
  std::string helpText = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(help.Exit);
  EXPECT_EQ(help.ExitCode, 0);
  EXPECT_NE(helpText.find("--no-sites"), std::string::npos);
}

TEST(GnuAsOptions, UnknownOptionsFail) {
  testing::internal::CaptureStderr();
  ParsedOptions options = parse({"--frobnicate", "x.s"});
  std::string text = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(options.Exit);
  EXPECT_EQ(options.ExitCode, 1);
  EXPECT_NE(text.find("unrecognized option '--frobnicate'"), std::string::npos) << text;
}

} // namespace
} // namespace afterburner::driver
