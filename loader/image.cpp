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

uint8_t *mapImage(const ImageMap &map, uintptr_t address, size_t length) {
  if (address == 0)
    return nullptr;
  if (map.rangeCount == 0)
    return address + length < address ? nullptr : reinterpret_cast<uint8_t *>(address);
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

void copyBytes(void *destination, const void *source, size_t length) {
  auto *to = static_cast<uint8_t *>(destination);
  const auto *from = static_cast<const uint8_t *>(source);
  for (size_t index = 0; index < length; ++index)
    to[index] = from[index];
}

bool equalBytes(const void *left, const void *right, size_t length) {
  const auto *a = static_cast<const uint8_t *>(left);
  const auto *b = static_cast<const uint8_t *>(right);
  for (size_t index = 0; index < length; ++index) {
    if (a[index] != b[index])
      return false;
  }
  return true;
}

} // namespace afterburner::loader
