// kvmclock.cpp: pvclock arithmetic.
#include "kvmclock.h"

namespace afterburner::kvm {

uint64_t pvclockScaleDelta(uint64_t tscDelta, uint32_t multiplier, int8_t shift) {
  if (shift < 0)
    tscDelta >>= -shift;
  else
    tscDelta <<= shift;
  // A 64x32 product needs 96 bits; the compiler does this with one mul, no libcall.
  const unsigned __int128 product = static_cast<unsigned __int128>(tscDelta) * multiplier;
  return static_cast<uint64_t>(product >> 32);
}

uint64_t pvclockTscHertz(uint32_t multiplier, int8_t shift) {
  if (multiplier == 0)
    return 0;
  // ns = tsc * 2^shift * mul / 2^32, so Hz = 10^9 * 2^32 / (mul * 2^shift).
  uint64_t hertz = (1000000000ull << 32) / multiplier;
  if (shift < 0)
    hertz <<= -shift;
  else
    hertz >>= shift;
  return hertz;
}

bool pvclockSnapshot(const volatile PvclockTimeInfo &source, PvclockTimeInfo &copy) {
  constexpr unsigned Attempts = 1000;
  for (unsigned attempt = 0; attempt < Attempts; ++attempt) {
    const uint32_t before = source.version;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    copy.version = before;
    copy.tscTimestamp = source.tscTimestamp;
    copy.systemTime = source.systemTime;
    copy.tscToSystemMul = source.tscToSystemMul;
    copy.tscShift = source.tscShift;
    copy.flags = source.flags;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if ((before & 1) == 0 && source.version == before)
      return true;
  }
  return false;
}

uint64_t pvclockNanoseconds(const PvclockTimeInfo &info, uint64_t tsc) {
  // A TSC read before the record's timestamp (another vCPU's record) counts as 0.
  const uint64_t delta = tsc > info.tscTimestamp ? tsc - info.tscTimestamp : 0;
  return info.systemTime + pvclockScaleDelta(delta, info.tscToSystemMul, info.tscShift);
}

} // namespace afterburner::kvm
