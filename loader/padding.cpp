// padding.cpp: canonical nops (see padding.h).
#include "padding.h"

#include <afterburner/site_abi.h>

namespace afterburner::loader {

namespace {

const uint8_t nop1[] = {AFTERBURNER_NOP1};
const uint8_t nop2[] = {AFTERBURNER_NOP2};
const uint8_t nop3[] = {AFTERBURNER_NOP3};
const uint8_t nop4[] = {AFTERBURNER_NOP4};
const uint8_t nop5[] = {AFTERBURNER_NOP5};
const uint8_t nop6[] = {AFTERBURNER_NOP6};
const uint8_t nop7[] = {AFTERBURNER_NOP7};
const uint8_t nop8[] = {AFTERBURNER_NOP8};
const uint8_t nop9[] = {AFTERBURNER_NOP9};
const uint8_t *const nops[AFTERBURNER_NOP_MAX + 1] = {nullptr, nop1, nop2, nop3, nop4,
                                                      nop5,    nop6, nop7, nop8, nop9};

size_t longestNop(size_t remaining, unsigned mode) {
  if (mode == 16)
    return 1;
  return remaining < AFTERBURNER_NOP_MAX ? remaining : AFTERBURNER_NOP_MAX;
}

} // namespace

void fillCanonicalNops(uint8_t *destination, size_t length, unsigned mode) {
  while (length > 0) {
    const size_t size = longestNop(length, mode);
    for (size_t index = 0; index < size; ++index)
      destination[index] = nops[size][index];
    destination += size;
    length -= size;
  }
}

bool isCanonicalPadding(const uint8_t *bytes, size_t length, unsigned mode) {
  while (length > 0) {
    const size_t size = longestNop(length, mode);
    for (size_t index = 0; index < size; ++index) {
      if (bytes[index] != nops[size][index])
        return false;
    }
    bytes += size;
    length -= size;
  }
  return true;
}

} // namespace afterburner::loader
