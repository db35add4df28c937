// timing.h: the arithmetic of TSC calibration and per-op costs. Pure, header-only, so the
// hosted tests check it (tests/samples/TimingTest.cpp).
#pragma once

#include <stdint.h>

namespace kernel::timing {

// The PIT's input clock: 105/88 MHz (NTSC colour burst / 3).
constexpr uint64_t PitHz = 1193182;

// PIT reload value for a periodic rate in hertz, clamped to the counter's 16 bits
// (0 programs 65536).
constexpr uint32_t pitDivisor(uint32_t hertz) {
  if (hertz == 0)
    return 0x10000;
  uint64_t divisor = (PitHz + hertz / 2) / hertz;
  if (divisor < 1)
    return 1;
  return divisor > 0x10000 ? 0x10000 : (uint32_t)divisor;
}

// TSC frequency from a window of pitTicks PIT input cycles that took tscCycles.
constexpr uint64_t tscHzFromPit(uint64_t tscCycles, uint64_t pitTicks) {
  if (pitTicks == 0)
    return 0;
  // tscCycles * PitHz overflows only beyond 1.5e13 cycles (hours): split to be safe.
  return tscCycles / pitTicks * PitHz + tscCycles % pitTicks * PitHz / pitTicks;
}

// Cycles per operation: (measured - baseline) / iterations, never below zero.
constexpr uint64_t cyclesPerOp(uint64_t measured, uint64_t baseline, uint64_t iterations) {
  if (iterations == 0 || measured <= baseline)
    return 0;
  return (measured - baseline) / iterations;
}

// The median of count values (sorts them in place; the upper median for an even count).
inline uint64_t median(uint64_t *values, unsigned count) {
  if (count == 0)
    return 0;
  for (unsigned sorted = 1; sorted < count; ++sorted)
    for (unsigned index = sorted; index > 0 && values[index - 1] > values[index]; --index) {
      uint64_t swap = values[index];
      values[index] = values[index - 1];
      values[index - 1] = swap;
    }
  return values[count / 2];
}

// One calibration window: TSC cycles over a known PIT interval, and how many of those
// cycles are uncertain (gaps between the reads that bracket its start and end).
struct TscWindow {
  uint64_t cycles;
  uint64_t uncertainty;
};

// A window is trusted when its uncertainty is within 5% of its length.
constexpr bool isTrusted(const TscWindow &window) {
  return window.cycles > 0 && window.uncertainty * 20 <= window.cycles;
}

// Do two window lengths agree within 0.5%?
constexpr bool agree(uint64_t first, uint64_t second) {
  uint64_t difference = first > second ? first - second : second - first;
  return difference * 200 <= (first > second ? first : second);
}

// The calibration window length: among trusted windows (all, if none is trusted), the
// one most others agree with, the longer on a tie. Undisturbed windows measure the same
// length; a virtual CPU that loses time mid-window (seen under TCG on a loaded host)
// measures a shorter one that nothing agrees with. count is at most 16.
inline uint64_t calibrationCycles(const TscWindow *windows, unsigned count) {
  bool anyTrusted = false;
  for (unsigned index = 0; index < count && index < 16; ++index)
    anyTrusted |= isTrusted(windows[index]);
  uint64_t best = 0;
  unsigned bestVotes = 0;
  for (unsigned index = 0; index < count && index < 16; ++index) {
    if (anyTrusted && !isTrusted(windows[index]))
      continue;
    unsigned votes = 0;
    for (unsigned other = 0; other < count && other < 16; ++other)
      votes += (!anyTrusted || isTrusted(windows[other])) &&
               agree(windows[index].cycles, windows[other].cycles);
    if (votes > bestVotes || (votes == bestVotes && windows[index].cycles > best)) {
      best = windows[index].cycles;
      bestVotes = votes;
    }
  }
  return best;
}

// Nanoseconds for a cycle count at hz (0 when hz is unknown).
constexpr uint64_t cyclesToNanoseconds(uint64_t cycles, uint64_t hz) {
  if (hz == 0)
    return 0;
  return cycles / hz * 1000000000u + cycles % hz * 1000000000u / hz;
}

// Cycles in a number of microseconds at hz.
constexpr uint64_t microsecondsToCycles(uint64_t microseconds, uint64_t hz) {
  return hz / 1000000u * microseconds + hz % 1000000u * microseconds / 1000000u;
}

} // namespace kernel::timing
