// console_buffer.cpp: the UART-to-console_io line buffer (see console_buffer.h).
#include "console_buffer.h"

namespace afterburner::xen {

void ConsoleBuffer::put(char byte) {
  bytes[used++] = byte;
  if (byte == '\n' || used == Capacity)
    flush();
}

void ConsoleBuffer::write(const char *text, size_t length) {
  for (size_t index = 0; index < length; ++index)
    put(text[index]);
}

void ConsoleBuffer::flush() {
  if (used == 0)
    return;
  sink(bytes, used);
  used = 0;
}

} // namespace afterburner::xen
