// AssemblerInvocation.h: everything one run of afterburner-as needs to know, as plain data.
// The driver fills it from GNU-as style options; the library (Assembler.h) executes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace afterburner {

enum class AssemblerMode { Bits64, Bits32, X32 };

struct SymbolDefinition {
  std::string Name;
  int64_t Value = 0;
};

struct AssemblerInvocation {
  // Inputs in order; "-" is standard input. GNU as assembles several inputs as one stream.
  std::vector<std::string> Inputs;
  std::string Output = "a.out";
  std::vector<std::string> IncludeDirectories;
  std::vector<SymbolDefinition> Definitions; // --defsym
  AssemblerMode Mode = AssemblerMode::Bits64;

  // Debug information for assembly sources (-g, --gdwarf-N). Sources that carry their
  // own .file/.loc directives (compiler output) switch it off, as GNU as does.
  bool GenerateDebugInfo = false;
  unsigned DwarfVersion = 5;

  bool NoExecStack = false;
  bool RelaxRelocations = true; // -mrelax-relocations=yes|no
  bool FatalWarnings = false;   // --fatal-warnings
  bool NoWarnings = false;      // -W, --no-warn

  // --no-sites / --afterburner-off: assemble natively, without any site.
  bool SitesEnabled = true;
  // Sections assembled without sites. The assembler fills this itself when sites would
  // break a section's fixed layout (an `.org` that the padding overruns, as in code
  // copied to a fixed-size buffer or placed at a fixed entry offset) and retries.
  std::vector<std::string> NativeSections;

  // --compress-debug-sections[=zlib|zstd|none]
  enum class DebugCompression { None, Zlib, Zstd } CompressDebugSections = DebugCompression::None;
};

} // namespace afterburner
