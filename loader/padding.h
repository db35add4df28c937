// padding.h: the canonical nop padding of site_abi.h section 5.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader {

// Writes the canonical padding for `length` bytes in CPU mode `mode` (16-bit code
// gets 0x90 bytes only): the longest nops first.
void fillCanonicalNops(uint8_t *destination, size_t length, unsigned mode);

// True when bytes are exactly the canonical padding of their length.
bool isCanonicalPadding(const uint8_t *bytes, size_t length, unsigned mode);

} // namespace afterburner::loader
