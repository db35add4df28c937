// console_buffer.h: the wedge's line buffer between the kernel's UART transmit register
// and HYPERVISOR_console_io. One hypercall per line instead of one trap per byte. Pure
// logic: the sink is a function pointer, so tests run it hosted.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace afterburner::xen {

class ConsoleBuffer {
public:
  using Sink = void (*)(const char *text, size_t length);
  static constexpr size_t Capacity = 256;

  constexpr explicit ConsoleBuffer(Sink sink) : sink(sink) {}
  // One byte from the kernel: flushed at a newline or when the buffer is full.
  void put(char byte);
  void write(const char *text, size_t length);
  // Hands whatever is buffered to the sink (the kernel waits, halts or shuts down).
  void flush();
  size_t pending() const { return used; }

private:
  Sink sink;
  size_t used = 0;
  char bytes[Capacity] = {};
};

} // namespace afterburner::xen
