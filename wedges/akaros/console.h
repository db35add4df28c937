// console.h: the Akaros wedge's console. Bytes go into the shared-memory ring the
// vthread host drains (no exit at all: guest and host share one address space), or,
// without a ring or when it is full, one PRINTC vmcall per byte (Akaros's default
// VMM prints those; the host drains the ring before a PRINTC, so order holds).
#ifndef AFTERBURNER_WEDGES_AKAROS_CONSOLE_H
#define AFTERBURNER_WEDGES_AKAROS_CONSOLE_H

#include "akaros_abi.h"
#include "platform.h"

#include <stddef.h>
#include <stdint.h>

namespace afterburner::akaros {

class Console {
public:
  void reset(const Platform *platform, akaros_console_ring *ring);
  void writeByte(uint8_t byte);
  void write(const char *text, size_t length);
  bool usesRing() const { return ring_ != nullptr; }

private:
  const Platform *platform_ = nullptr;
  akaros_console_ring *ring_ = nullptr;
};

// A ring the wedge can use: right magic, power-of-two size.
bool ringUsable(const akaros_console_ring *ring);

} // namespace afterburner::akaros

#endif
