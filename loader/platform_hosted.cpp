// platform_hosted.cpp: the platform seam for hosted builds (the offline patcher):
// "text" is a buffer in ordinary memory. Kept free of libc headers like the rest of
// loader/ (tests/repo checks every file here).
#include "image.h"
#include "platform.h"

namespace afterburner::loader::platform {

uintptr_t beginTextWrites(const afterburner_boot_info *) {
  return 0;
}

void copyToText(uint8_t *destination, const uint8_t *source, size_t length) {
  copyBytes(destination, source, length);
}

void endTextWrites(uintptr_t) {}

} // namespace afterburner::loader::platform
