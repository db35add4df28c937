// GnuAsOptions.cpp: GNU as options through CLI11. GNU as spells some long options with
// one dash (-mrelax-relocations=no, -Qy, -gdwarf-5); they are normalized first.
#include "afterburner/driver/GnuAsOptions.h"

#include "afterburner/Assembler.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace afterburner::driver {
namespace {

bool startsWith(const std::string &text, const char *prefix) {
  return text.compare(0, std::strlen(prefix), prefix) == 0;
}

// Options GNU as accepts and that change nothing here (listing, compatibility and
// tuning switches gcc or clang may pass).
bool isIgnoredOption(const std::string &argument) {
  static const char *const exact[] = {"-Qy",
                                      "-Qn",
                                      "-w",
                                      "-Z",
                                      "-K",
                                      "-J",
                                      "-R",
                                      "-L",
                                      "--keep-locals",
                                      "-D",
                                      "--traditional-format",
                                      "--statistics",
                                      "--strip-local-absolute",
                                      "--gdwarf-sections",
                                      "--execstack",
                                      "--warn",
                                      "-mnaked-reg",
                                      "-mamd64",
                                      "-mintel64",
                                      "-mshared",
                                      "-mno-shared"};
  for (const char *option : exact)
    if (argument == option)
      return true;
  static const char *const prefixes[] = {"-march=",
                                         "-mtune=",
                                         "-msyntax=att",
                                         "-mmnemonic=att",
                                         "-mx86-used-note=",
                                         "-momit-lock-prefix=",
                                         "-mfence-as-lock-add=",
                                         "-mrelax-relocations=",
                                         "--gdwarf-cie-version=",
                                         "--size-check=",
                                         "--elf-stt-common=",
                                         "--generate-missing-build-notes="};
  for (const char *prefix : prefixes)
    if (startsWith(argument, prefix) && !startsWith(argument, "-mrelax-relocations="))
      return true;
  return false;
}

// Rewrites GNU's single-dash long options into forms CLI11 parses, and drops ignored ones.
std::vector<std::string> normalize(int argc, const char *const *argv) {
  std::vector<std::string> arguments;
  bool endOfOptions = false;
  for (int index = 1; index < argc; ++index) {
    std::string argument = argv[index];
    if (endOfOptions || argument == "--") {
      endOfOptions = true;
      arguments.push_back(argument);
      continue;
    }
    if (isIgnoredOption(argument))
      continue;
    if (startsWith(argument, "-mrelax-relocations=") || startsWith(argument, "-gdwarf"))
      argument = "-" + argument;
    arguments.push_back(argument);
  }
  return arguments;
}

bool parseDefinition(const std::string &text, SymbolDefinition &definition) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    return false;
  definition.Name = text.substr(0, equals);
  std::string value = text.substr(equals + 1);
  char *end = nullptr;
  errno = 0;
  definition.Value = static_cast<int64_t>(std::strtoll(value.c_str(), &end, 0));
  if (!value.empty() && *end == '\0' && errno == 0)
    return true;
  definition.Value = static_cast<int64_t>(std::strtoull(value.c_str(), &end, 0));
  return !value.empty() && *end == '\0';
}

ParsedOptions fail(const std::string &message) {
  std::fprintf(stderr, "afterburner-as: Error: %s\n", message.c_str());
  ParsedOptions result;
  result.Exit = true;
  result.ExitCode = 1;
  return result;
}

} // namespace

ParsedOptions parseGnuAsOptions(int argc, const char *const *argv) {
  ParsedOptions result;
  AssemblerInvocation &invocation = result.Invocation;
  CLI::App app{"afterburner-as: a GNU as replacement that records virtualization-sensitive "
               "instructions as sites in .note.afterburner"};
  app.set_help_flag("--help", "print this help and exit");
  app.allow_extras();
  bool bits64 = false, bits32 = false, x32 = false, version = false, printVersion = false;
  bool gdwarf2 = false, gdwarf3 = false, gdwarf4 = false, gdwarf5 = false;
  std::string relax;
  std::string compress = "none";
  bool noCompress = false;
  std::vector<std::string> definitions;
  app.add_flag("--64", bits64, "assemble 64-bit code (the default)");
  app.add_flag("--32", bits32, "assemble 32-bit code into an i386 object");
  app.add_flag("--x32", x32, "assemble 64-bit code into an x32 (ILP32) object");
  app.add_option("-o", invocation.Output, "output object (default a.out)");
  app.add_option("-I", invocation.IncludeDirectories, "add a .include/.incbin search directory");
  app.add_option("--defsym", definitions, "define SYMBOL=VALUE before assembling");
  app.add_flag("-g,--gen-debug", invocation.GenerateDebugInfo, "debug info for assembly sources");
  app.add_flag("--gdwarf-2,--gdwarf2", gdwarf2, "DWARF version 2 debug info");
  app.add_flag("--gdwarf-3", gdwarf3, "DWARF version 3 debug info");
  app.add_flag("--gdwarf-4", gdwarf4, "DWARF version 4 debug info");
  app.add_flag("--gdwarf-5", gdwarf5, "DWARF version 5 debug info");
  app.add_flag("--noexecstack", invocation.NoExecStack, "mark the stack non-executable");
  app.add_option("--mrelax-relocations", relax, "yes|no: relaxable GOTPCRELX relocations");
  app.add_option("--compress-debug-sections", compress,
                 "zlib|zlib-gabi|zstd|none: compress DWARF sections (no value: zlib)")
      ->expected(0, 1)
      ->default_str("zlib");
  app.add_flag("--nocompress-debug-sections", noCompress, "do not compress DWARF sections");
  app.add_flag("--fatal-warnings", invocation.FatalWarnings, "treat warnings as errors");
  app.add_flag("-W,--no-warn", invocation.NoWarnings, "suppress warnings");
  app.add_flag("--version", version, "print the version and exit");
  app.add_flag("-v,-V", printVersion, "print the version and continue");
  bool noSites = false;
  app.add_flag("--no-sites,--afterburner-off", noSites, "assemble natively, without any site");
  app.add_option("inputs", invocation.Inputs, "input files; '-' or none reads standard input");

  std::vector<std::string> arguments = normalize(argc, argv);
  std::reverse(arguments.begin(), arguments.end()); // CLI11 takes them last-first
  try {
    app.parse(arguments);
  } catch (const CLI::CallForHelp &) {
    std::printf("%s", app.help().c_str());
    result.Exit = true;
    return result;
  } catch (const CLI::ParseError &error) {
    return fail(error.what());
  }
  for (const std::string &extra : app.remaining())
    if (extra.size() > 1 && extra[0] == '-')
      return fail("unrecognized option '" + extra + "'");
  if (version) {
    std::printf("%s", versionBanner());
    result.Exit = true;
    return result;
  }
  if (printVersion)
    std::fprintf(stderr, "%s", versionBanner());
  if (bits64 + bits32 + x32 > 1)
    return fail("--64, --32 and --x32 are mutually exclusive");
  invocation.Mode = bits32 ? AssemblerMode::Bits32
                    : x32  ? AssemblerMode::X32
                           : AssemblerMode::Bits64;
  unsigned dwarf = gdwarf2 ? 2 : gdwarf3 ? 3 : gdwarf4 ? 4 : gdwarf5 ? 5 : 0;
  if (dwarf) {
    invocation.DwarfVersion = dwarf;
    invocation.GenerateDebugInfo = true;
  }
  if (!relax.empty() && relax != "yes" && relax != "no")
    return fail("invalid -mrelax-relocations= option: '" + relax + "'");
  invocation.RelaxRelocations = relax != "no";
  using Compression = AssemblerInvocation::DebugCompression;
  if (noCompress || compress == "none")
    invocation.CompressDebugSections = Compression::None;
  else if (compress.empty() || compress == "zlib" || compress == "zlib-gabi")
    invocation.CompressDebugSections = Compression::Zlib;
  else if (compress == "zstd")
    invocation.CompressDebugSections = Compression::Zstd;
  else
    return fail("unknown debug compression type '" + compress + "'");
  invocation.SitesEnabled = !noSites;
  for (const std::string &text : definitions) {
    SymbolDefinition definition;
    if (!parseDefinition(text, definition))
      return fail("bad defsym; format is --defsym name=value: '" + text + "'");
    invocation.Definitions.push_back(definition);
  }
  for (const std::string &extra : app.remaining())
    invocation.Inputs.push_back(extra);
  return result;
}

} // namespace afterburner::driver
