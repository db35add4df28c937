// BootCommand.cpp: `afterburner boot`. Not written yet.
#include "Commands.h"

#include <cstdio>

namespace afterburner::tool {

int runBoot(const Arguments &) {
  std::fprintf(stderr, "afterburner boot: not implemented yet\n");
  return 1;
}

} // namespace afterburner::tool
