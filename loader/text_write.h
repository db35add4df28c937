// text_write.h: the ONE function that writes kernel text, and its session.
#pragma once

#include <afterburner/loader.h>

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader {

// Opens text for writing for its lifetime (platform::beginTextWrites/endTextWrites).
class TextWriteSession {
public:
  explicit TextWriteSession(const afterburner_boot_info *boot);
  ~TextWriteSession();
  TextWriteSession(const TextWriteSession &) = delete;
  TextWriteSession &operator=(const TextWriteSession &) = delete;

private:
  uintptr_t state_;
};

// Writes bytes over text. Every code byte the loader changes goes through here.
void textWrite(uint8_t *destination, const uint8_t *bytes, size_t length);

} // namespace afterburner::loader
