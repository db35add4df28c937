// Failure.h: fail-stop, as Akaros's VMM does on anything it cannot handle: print
// why and end the process with a non-zero status (Akaros itself exits 0; the
// stand-in exits kFailStopStatus so scripts and tests notice).
#ifndef AFTERBURNER_AKAROS_HOST_FAILURE_H
#define AFTERBURNER_AKAROS_HOST_FAILURE_H

namespace afterburner::akaros {

constexpr int kFailStopStatus = 3;

[[noreturn]] void failStop(const char *format, ...) __attribute__((format(printf, 1, 2)));

} // namespace afterburner::akaros

#endif
