// padding.cpp: canonical nops (see padding.h).
//
// Canonical padding of length L is floor(L / 9) nine-byte nops, then the nop of
// length L % 9 (16-bit code: L one-byte nops). It is compared and copied against
// tables built at compile time, 8 bytes at a time (equalBytes, copyBytes): the whole
// padding of every length below 72 in one table row, longer padding as runs of
// nine-byte nops plus the last nop. No per-byte work and no per-nop loop.
#include "padding.h"

#include "image.h"

#include <afterburner/site_abi.h>

namespace afterburner::loader {

namespace {

constexpr uint8_t nop1[] = {AFTERBURNER_NOP1};
constexpr uint8_t nop2[] = {AFTERBURNER_NOP2};
constexpr uint8_t nop3[] = {AFTERBURNER_NOP3};
constexpr uint8_t nop4[] = {AFTERBURNER_NOP4};
constexpr uint8_t nop5[] = {AFTERBURNER_NOP5};
constexpr uint8_t nop6[] = {AFTERBURNER_NOP6};
constexpr uint8_t nop7[] = {AFTERBURNER_NOP7};
constexpr uint8_t nop8[] = {AFTERBURNER_NOP8};
constexpr uint8_t nop9[] = {AFTERBURNER_NOP9};
constexpr const uint8_t *nops[AFTERBURNER_NOP_MAX + 1] = {nullptr, nop1, nop2, nop3, nop4,
                                                          nop5,    nop6, nop7, nop8, nop9};
static_assert(sizeof nop9 == AFTERBURNER_NOP_MAX, "the longest nop is the nine-byte one");

// A run of whole nops of one size, long enough for any site (site_length is one
// byte); longer padding is handled chunk by chunk.
constexpr size_t runUnits = 255 / AFTERBURNER_NOP_MAX + 1;

struct NopRun {
  uint8_t bytes[runUnits * AFTERBURNER_NOP_MAX];
  size_t size; // a whole number of nops
};

constexpr NopRun buildRun(const uint8_t *nop, size_t nopLength) {
  NopRun run{};
  run.size = 0;
  while (run.size + nopLength <= sizeof run.bytes) {
    for (size_t index = 0; index < nopLength; ++index)
      run.bytes[run.size + index] = nop[index];
    run.size += nopLength;
  }
  return run;
}

constexpr NopRun longNops = buildRun(nop9, sizeof nop9);
constexpr NopRun shortNops = buildRun(nop1, sizeof nop1);

// The whole canonical padding of every length below 72 (32/64-bit code), in 648 bytes:
// row r is seven nine-byte nops then the r-byte nop, and the padding of length
// 9q + r is that row's last 9q + r bytes. Every site of the ABI's ops (48 bytes at
// most) is then one compare or copy.
constexpr size_t tailNops = 7;
constexpr size_t tailLimit = tailNops * AFTERBURNER_NOP_MAX + AFTERBURNER_NOP_MAX;

struct PaddingTails {
  uint8_t rows[AFTERBURNER_NOP_MAX][tailNops * AFTERBURNER_NOP_MAX + AFTERBURNER_NOP_MAX - 1];
};

constexpr PaddingTails buildPaddingTails() {
  PaddingTails tails{};
  for (size_t rest = 0; rest < AFTERBURNER_NOP_MAX; ++rest) {
    for (size_t index = 0; index < tailNops * AFTERBURNER_NOP_MAX; ++index)
      tails.rows[rest][index] = nop9[index % AFTERBURNER_NOP_MAX];
    for (size_t index = 0; index < rest; ++index)
      tails.rows[rest][tailNops * AFTERBURNER_NOP_MAX + index] = nops[rest][index];
  }
  return tails;
}

constexpr PaddingTails paddingTails = buildPaddingTails();

// The padding's bytes when one table holds all of them (16-bit padding is a prefix of
// the one-byte run), or nullptr.
const uint8_t *wholePadding(size_t length, unsigned mode) {
  if (mode == 16)
    return length <= shortNops.size ? shortNops.bytes : nullptr;
  if (length >= tailLimit)
    return nullptr;
  const size_t whole = length / AFTERBURNER_NOP_MAX;
  return paddingTails.rows[length % AFTERBURNER_NOP_MAX] + (tailNops - whole) * AFTERBURNER_NOP_MAX;
}

// 16-bit code gets one-byte nops only; 32/64-bit code the longest nops first.
const NopRun &runFor(unsigned mode) {
  return mode == 16 ? shortNops : longNops;
}

size_t unitFor(unsigned mode) {
  return mode == 16 ? 1 : AFTERBURNER_NOP_MAX;
}

// Padding longer than the table: runs of nine-byte nops, then the last nop. Kept out
// of line so the common short path saves no registers.
[[gnu::noinline]] void fillLongPadding(uint8_t *destination, size_t length, unsigned mode) {
  const NopRun &run = runFor(mode);
  const size_t whole = length - length % unitFor(mode);
  for (size_t done = 0; done < whole;) {
    const size_t chunk = whole - done < run.size ? whole - done : run.size;
    copyBytes(destination + done, run.bytes, chunk);
    done += chunk;
  }
  if (const size_t rest = length - whole)
    copyBytes(destination + whole, nops[rest], rest);
}

[[gnu::noinline]] bool isLongPadding(const uint8_t *bytes, size_t length, unsigned mode) {
  const NopRun &run = runFor(mode);
  const size_t whole = length - length % unitFor(mode);
  for (size_t done = 0; done < whole;) {
    const size_t chunk = whole - done < run.size ? whole - done : run.size;
    if (!equalBytes(bytes + done, run.bytes, chunk))
      return false;
    done += chunk;
  }
  const size_t rest = length - whole;
  return rest == 0 || equalBytes(bytes + whole, nops[rest], rest);
}

} // namespace

void fillCanonicalNops(uint8_t *destination, size_t length, unsigned mode) {
  if (const uint8_t *whole = wholePadding(length, mode))
    copyBytes(destination, whole, length);
  else
    fillLongPadding(destination, length, mode);
}

bool isCanonicalPadding(const uint8_t *bytes, size_t length, unsigned mode) {
  if (const uint8_t *whole = wholePadding(length, mode))
    return equalBytes(bytes, whole, length);
  return isLongPadding(bytes, length, mode);
}

} // namespace afterburner::loader
