// GnuAsOptions.h: GNU as's command line (as gcc, clang -fno-integrated-as and Kbuild use
// it) -> AssemblerInvocation.
#pragma once

#include "afterburner/AssemblerInvocation.h"

namespace afterburner::driver {

struct ParsedOptions {
  AssemblerInvocation Invocation;
  bool Exit = false; // --help, --version, or an error: exit with ExitCode
  int ExitCode = 0;
};

ParsedOptions parseGnuAsOptions(int argc, const char *const *argv);

} // namespace afterburner::driver
