// text_write.cpp: see text_write.h. The platform decides how (platform.h).
#include "text_write.h"

#include "platform.h"

namespace afterburner::loader {

TextWriteSession::TextWriteSession(const afterburner_boot_info *boot)
    : state_(platform::beginTextWrites(boot)) {}

TextWriteSession::~TextWriteSession() {
  platform::endTextWrites(state_);
}

void textWrite(uint8_t *destination, const uint8_t *bytes, size_t length) {
  platform::copyToText(destination, bytes, length);
}

} // namespace afterburner::loader
