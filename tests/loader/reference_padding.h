// reference_padding.h: canonical padding (site_abi.h section 5) spelled the plain way,
// nop by nop, the longest first (one-byte nops in 16-bit code). Deliberately independent
// of loader/padding.cpp's word-at-a-time tables: PaddingTest checks the loader against
// it, and the benches build their images with it without linking hosted loader code.
#pragma once

#include <afterburner/site_abi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace afterburner::loader::reference {

inline std::vector<uint8_t> canonicalPadding(size_t length, unsigned mode) {
  static const std::vector<std::vector<uint8_t>> nops = {{},
                                                         {AFTERBURNER_NOP1},
                                                         {AFTERBURNER_NOP2},
                                                         {AFTERBURNER_NOP3},
                                                         {AFTERBURNER_NOP4},
                                                         {AFTERBURNER_NOP5},
                                                         {AFTERBURNER_NOP6},
                                                         {AFTERBURNER_NOP7},
                                                         {AFTERBURNER_NOP8},
                                                         {AFTERBURNER_NOP9}};
  std::vector<uint8_t> bytes;
  while (bytes.size() < length) {
    const size_t size =
        mode == 16 ? 1 : std::min<size_t>(AFTERBURNER_NOP_MAX, length - bytes.size());
    bytes.insert(bytes.end(), nops[size].begin(), nops[size].end());
  }
  return bytes;
}

} // namespace afterburner::loader::reference
