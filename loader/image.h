// image.h: image addresses and the bytes behind them.
//
// Records, symbols and a wedge's pointers are IMAGE addresses: where the kernel runs.
// In the guest the loader reads and writes them directly (an identity map). The
// offline patcher (`afterburner patch`) holds the image in a file buffer and maps
// each loadable segment. The same patcher code serves both through this map.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader {

// One run of image addresses and where its bytes are now.
struct ImageRange {
  uintptr_t imageStart;
  uintptr_t size;
  uintptr_t hostStart;
};

// No ranges: the identity map (the guest kernel's own address space).
struct ImageMap {
  const ImageRange *ranges = nullptr;
  size_t rangeCount = 0;
};

// mapImage through the ranges (the offline patcher's file segments).
uint8_t *mapImageRanges(const ImageMap &map, uintptr_t address, size_t length);

// Host pointer to image bytes [address, address + length), or nullptr when any of
// them is unmapped (or address is 0). Inline: the guest's identity map is a few
// instructions, and the loader maps every site and record.
inline uint8_t *mapImage(const ImageMap &map, uintptr_t address, size_t length) {
  if (map.rangeCount != 0)
    return mapImageRanges(map, address, length);
  if (address == 0 || address + length < address)
    return nullptr;
  return reinterpret_cast<uint8_t *>(address);
}

// Copies image bytes into destination; false when unmapped.
bool readImage(const ImageMap &map, uintptr_t address, void *destination, size_t length);

// Small freestanding byte helpers (no libc in the guest). They move 8-byte words:
// site bytes, records and padding are short and unaligned, a byte loop costs ~4
// instructions per byte, and x86 loads unaligned words at full speed. Inline: the
// loader calls them several times per site. __builtin_memcpy of a constant size
// compiles to one move (never a call).
namespace words {

inline uint64_t load64(const uint8_t *bytes) {
  uint64_t word;
  __builtin_memcpy(&word, bytes, sizeof word);
  return word;
}

inline uint32_t load32(const uint8_t *bytes) {
  uint32_t word;
  __builtin_memcpy(&word, bytes, sizeof word);
  return word;
}

inline void store64(uint8_t *bytes, uint64_t word) {
  __builtin_memcpy(bytes, &word, sizeof word);
}

inline void store32(uint8_t *bytes, uint32_t word) {
  __builtin_memcpy(bytes, &word, sizeof word);
}

} // namespace words

// Copies length bytes (the ranges must not overlap): words from the front, then one
// last word that may overlap the one before.
inline void copyBytes(void *destination, const void *source, size_t length) {
  auto *to = static_cast<uint8_t *>(destination);
  const auto *from = static_cast<const uint8_t *>(source);
  if (length >= 8) {
    for (size_t index = 0; index + 8 < length; index += 8)
      words::store64(to + index, words::load64(from + index));
    words::store64(to + length - 8, words::load64(from + length - 8));
    return;
  }
  if (length >= 4) {
    const uint32_t head = words::load32(from);
    const uint32_t tail = words::load32(from + length - 4);
    words::store32(to, head);
    words::store32(to + length - 4, tail);
    return;
  }
  for (size_t index = 0; index < length; ++index)
    to[index] = from[index];
}

// Compares length bytes the same way.
inline bool equalBytes(const void *left, const void *right, size_t length) {
  const auto *a = static_cast<const uint8_t *>(left);
  const auto *b = static_cast<const uint8_t *>(right);
  if (length >= 8) {
    for (size_t index = 0; index + 8 < length; index += 8) {
      if (words::load64(a + index) != words::load64(b + index))
        return false;
    }
    return words::load64(a + length - 8) == words::load64(b + length - 8);
  }
  if (length >= 4)
    return words::load32(a) == words::load32(b) &&
           words::load32(a + length - 4) == words::load32(b + length - 4);
  for (size_t index = 0; index < length; ++index) {
    if (a[index] != b[index])
      return false;
  }
  return true;
}

// The kernel's text: every site must lie inside [start, end).
struct TextRange {
  uintptr_t start = 0;
  uintptr_t end = 0;
};

inline bool containsRange(const TextRange &text, uintptr_t address, size_t length) {
  return address >= text.start && address <= text.end && length <= text.end - address;
}

} // namespace afterburner::loader
