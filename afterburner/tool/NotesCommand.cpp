// NotesCommand.cpp: `afterburner notes`. Not written yet.
#include "Commands.h"

#include <cstdio>

namespace afterburner::tool {

int runNotes(const Arguments &) {
  std::fprintf(stderr, "afterburner notes: not implemented yet\n");
  return 1;
}

} // namespace afterburner::tool
