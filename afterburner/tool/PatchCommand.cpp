// PatchCommand.cpp: `afterburner patch`. Not written yet.
#include "Commands.h"

#include <cstdio>

namespace afterburner::tool {

int runPatch(const Arguments &) {
  std::fprintf(stderr, "afterburner patch: not implemented yet\n");
  return 1;
}

} // namespace afterburner::tool
