// main.cpp: afterburner-as, a thin driver: GNU options -> AssemblerInvocation -> assemble.
#include "afterburner/Assembler.h"
#include "afterburner/driver/GnuAsOptions.h"

int main(int argc, char **argv) {
  afterburner::driver::ParsedOptions options =
      afterburner::driver::parseGnuAsOptions(argc, argv);
  if (options.Exit)
    return options.ExitCode;
  return afterburner::assemble(options.Invocation);
}
