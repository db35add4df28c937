// main.cpp: the `afterburner` tool's dispatcher. Parses nothing but the subcommand name.
#include "Commands.h"

#include <cstdio>
#include <cstring>

namespace {

struct Subcommand {
  const char *name;
  int (*run)(const afterburner::tool::Arguments &);
  const char *summary;
};

const Subcommand subcommands[] = {
    {"notes", afterburner::tool::runNotes, "list the sites recorded in objects and images"},
    {"patch", afterburner::tool::runPatch, "pre-patch a linked image for one wedge"},
    {"boot", afterburner::tool::runBoot, "boot a guest on bare metal, kvm, xen or vthread"},
};

int usage(FILE *stream) {
  std::fprintf(stream, "usage: afterburner <command> [options]\n\ncommands:\n");
  for (const Subcommand &subcommand : subcommands)
    std::fprintf(stream, "  %-6s %s\n", subcommand.name, subcommand.summary);
  std::fprintf(stream, "\n'afterburner <command> --help' describes each command.\n");
  return stream == stdout ? 0 : 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage(stderr);
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))
    return usage(stdout);
  for (const Subcommand &subcommand : subcommands) {
    if (std::strcmp(argv[1], subcommand.name))
      continue;
    return subcommand.run(afterburner::tool::Arguments(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "afterburner: error: unknown command '%s'\n", argv[1]);
  return usage(stderr);
}
