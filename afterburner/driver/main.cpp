// main.cpp: afterburner-as, a thin driver: GNU options -> AssemblerInvocation -> assemble.
#include "afterburner/Assembler.h"
#include "afterburner/driver/GnuAsOptions.h"

#include <cstdio>
#include <cstdlib>

namespace {

// AFTERBURNER_AS_LOG=FILE appends one line per call ("exit=N arguments..."), so a kernel
// build can prove every object went through afterburner-as (scripts/linux-e2e.sh).
void logCall(int argc, char **argv, int exitCode) {
  const char *path = std::getenv("AFTERBURNER_AS_LOG");
  if (!path || !*path)
    return;
  FILE *log = std::fopen(path, "a");
  if (!log)
    return;
  std::fprintf(log, "exit=%d", exitCode);
  for (int index = 1; index < argc; ++index)
    std::fprintf(log, " %s", argv[index]);
  std::fprintf(log, "\n");
  std::fclose(log);
}

} // namespace

int main(int argc, char **argv) {
  afterburner::driver::ParsedOptions options = afterburner::driver::parseGnuAsOptions(argc, argv);
  int exitCode = options.Exit ? options.ExitCode : afterburner::assemble(options.Invocation);
  logCall(argc, argv, exitCode);
  return exitCode;
}
