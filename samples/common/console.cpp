// console.cpp: print() and the console hook the loader writes its line through.
#include "devices.h"
#include "format.h"
#include "kernel.h"

namespace kernel {

void print(const char *format, ...) {
  char text[256];
  va_list arguments;
  va_start(arguments, format);
  size_t length = formatText(text, sizeof text, format, arguments);
  va_end(arguments);
  uart::write(text, length);
}

} // namespace kernel

extern "C" void kernel_console_write(const char *text, size_t length) {
  kernel::uart::write(text, length);
}
