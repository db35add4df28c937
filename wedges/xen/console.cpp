// console.cpp: one console for the kernel's UART bytes and the wedge's own messages,
// buffered per line (console_buffer.h) and written with HYPERVISOR_console_io. For dom0
// the text goes straight to Xen's serial console.
#include "console_buffer.h"
#include "hypercall.h"
#include "io_routes.h"
#include "xen_wedge_internal.h"

namespace afterburner::xen {
namespace {

void writeToXen(const char *text, size_t length) {
  xen::consoleWrite(text, length);
}

} // namespace
} // namespace afterburner::xen

// Named for io_x86_64.S, whose THR fast path appends to it in place (io_routes.h).
afterburner::xen::ConsoleBuffer afterburner_xen_console(afterburner::xen::writeToXen);

namespace afterburner::xen {
namespace {

ConsoleBuffer &console = afterburner_xen_console;

} // namespace

void consolePut(char byte) {
  console.put(byte);
}

void consoleWrite(const char *text) {
  while (*text)
    console.put(*text++);
}

void consoleWriteNumber(uint64_t value, unsigned base) {
  char digits[24];
  unsigned count = 0;
  do {
    digits[count++] = "0123456789abcdef"[value % base];
    value /= base;
  } while (value);
  if (base == 16)
    consoleWrite("0x");
  while (count)
    console.put(digits[--count]);
}

void consoleFlush() {
  console.flush();
}

[[noreturn]] void shutdown(unsigned reason) {
  consoleFlush();
  sched_shutdown_t request{reason};
  for (;;)
    schedOp(SCHEDOP_shutdown, &request);
}

[[noreturn]] void fatal(const char *what) {
  consoleWrite("afterburner xen: fatal: ");
  consoleWrite(what);
  consoleWrite("\n");
  shutdown(SHUTDOWN_crash);
}

} // namespace afterburner::xen
