// console_buffer.h: the wedge's line buffer between the kernel's UART transmit register
// and HYPERVISOR_console_io. One hypercall per line instead of one trap per byte. Pure
// logic: the sink is a function pointer, so tests run it hosted. The port I/O fast path
// (io_x86_64.S) appends the kernel's THR bytes directly, at the offsets io_layout.h names
// (pinned below), and leaves the flush to put's rules: a newline or a full buffer.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "io_layout.h"

namespace afterburner::xen {

class ConsoleBuffer {
public:
  using Sink = void (*)(const char *text, size_t length);
  static constexpr size_t Capacity = AFTERBURNER_XEN_CONSOLE_CAPACITY;

  constexpr explicit ConsoleBuffer(Sink sink) : sink(sink) {}
  // One byte from the kernel: flushed at a newline or when the buffer is full.
  void put(char byte);
  void write(const char *text, size_t length);
  // Hands whatever is buffered to the sink (the kernel waits, halts or shuts down).
  void flush();
  size_t pending() const { return used; }

private:
  friend struct ConsoleBufferLayout;
  Sink sink;
  size_t used = 0;
  char bytes[Capacity] = {};
};

struct ConsoleBufferLayout {
  static_assert(offsetof(ConsoleBuffer, used) == AFTERBURNER_XEN_CONSOLE_USED);
  static_assert(offsetof(ConsoleBuffer, bytes) == AFTERBURNER_XEN_CONSOLE_BYTES);
  static_assert(sizeof(ConsoleBuffer::used) == 8);
};

} // namespace afterburner::xen
