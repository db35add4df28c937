// image.cpp: the image map (see image.h).
#include "image.h"

namespace afterburner::loader {

namespace {

uint8_t *mapRange(const ImageRange &range, uintptr_t address, size_t length) {
  if (address < range.imageStart)
    return nullptr;
  const uintptr_t offset = address - range.imageStart;
  if (offset > range.size || length > range.size - offset)
    return nullptr;
  return reinterpret_cast<uint8_t *>(range.hostStart + offset);
}

} // namespace

uint8_t *mapImageRanges(const ImageMap &map, uintptr_t address, size_t length) {
  if (address == 0)
    return nullptr;
  for (size_t index = 0; index < map.rangeCount; ++index) {
    if (uint8_t *bytes = mapRange(map.ranges[index], address, length))
      return bytes;
  }
  return nullptr;
}

bool readImage(const ImageMap &map, uintptr_t address, void *destination, size_t length) {
  const uint8_t *bytes = mapImage(map, address, length);
  if (!bytes)
    return false;
  copyBytes(destination, bytes, length);
  return true;
}

// Both helpers move 8-byte words: site bytes, records and padding are short and
// unaligned, and a byte loop costs ~4 instructions per byte (x86 loads unaligned
// words at full speed). __builtin_memcpy of a constant size compiles to one move.
namespace {

uint64_t load64(const uint8_t *bytes) {
  uint64_t word;
  __builtin_memcpy(&word, bytes, sizeof word);
  return word;
}

uint32_t load32(const uint8_t *bytes) {
  uint32_t word;
  __builtin_memcpy(&word, bytes, sizeof word);
  return word;
}

void store64(uint8_t *bytes, uint64_t word) {
  __builtin_memcpy(bytes, &word, sizeof word);
}

} // namespace

void copyBytes(void *destination, const void *source, size_t length) {
  auto *to = static_cast<uint8_t *>(destination);
  const auto *from = static_cast<const uint8_t *>(source);
  if (length >= 8) {
    for (size_t index = 0; index + 8 < length; index += 8)
      store64(to + index, load64(from + index));
    store64(to + length - 8, load64(from + length - 8));
    return;
  }
  if (length >= 4) {
    const uint32_t head = load32(from);
    const uint32_t tail = load32(from + length - 4);
    __builtin_memcpy(to, &head, sizeof head);
    __builtin_memcpy(to + length - 4, &tail, sizeof tail);
    return;
  }
  for (size_t index = 0; index < length; ++index)
    to[index] = from[index];
}

// Words from the front, then one last word that may overlap the previous one.
bool equalBytes(const void *left, const void *right, size_t length) {
  const auto *a = static_cast<const uint8_t *>(left);
  const auto *b = static_cast<const uint8_t *>(right);
  if (length >= 8) {
    for (size_t index = 0; index + 8 < length; index += 8) {
      if (load64(a + index) != load64(b + index))
        return false;
    }
    return load64(a + length - 8) == load64(b + length - 8);
  }
  if (length >= 4)
    return load32(a) == load32(b) && load32(a + length - 4) == load32(b + length - 4);
  for (size_t index = 0; index < length; ++index) {
    if (a[index] != b[index])
      return false;
  }
  return true;
}

} // namespace afterburner::loader
