// console.cpp: print() and the console hook the loader writes its line through.
#include "cpu.h"
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
  kernel_console_write(text, length);
}

} // namespace kernel

// A critical section: a line from an interrupt handler (a panic) must not interleave with
// the line being written, and the UART's LSR/THR sequence must not be split.
extern "C" void kernel_console_write(const char *text, size_t length) {
  uint64_t flags = kernel::cpu::saveFlagsAndDisable();
  kernel::uart::write(text, length);
  kernel::cpu::writeFlags(flags);
}
