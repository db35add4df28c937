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

// Small freestanding byte helpers (no libc in the guest), 8 bytes at a time.
// copyBytes: the ranges must not overlap.
void copyBytes(void *destination, const void *source, size_t length);
bool equalBytes(const void *left, const void *right, size_t length);

// The kernel's text: every site must lie inside [start, end).
struct TextRange {
  uintptr_t start = 0;
  uintptr_t end = 0;
};

inline bool containsRange(const TextRange &text, uintptr_t address, size_t length) {
  return address >= text.start && address <= text.end && length <= text.end - address;
}

} // namespace afterburner::loader
