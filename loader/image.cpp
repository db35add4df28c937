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

} // namespace afterburner::loader
