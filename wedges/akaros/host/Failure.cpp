// Failure.cpp: see Failure.h.
#include "Failure.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace afterburner::akaros {

void failStop(const char *format, ...) {
  std::fflush(stdout);
  va_list arguments;
  va_start(arguments, format);
  std::vfprintf(stderr, format, arguments);
  va_end(arguments);
  std::fputc('\n', stderr);
  std::fflush(stderr);
  std::_Exit(kFailStopStatus);
}

} // namespace afterburner::akaros
