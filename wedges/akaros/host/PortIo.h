// PortIo.h: Akaros's port-I/O model (user/vmm/io.c): a PCI configuration space
// with only a host bridge, port 0x21 reading 0xff ("no PIC"), and a reset at 0xcf9.
// There is no UART, PIT or PIC; other writes are ignored.
#ifndef AFTERBURNER_AKAROS_HOST_PORTIO_H
#define AFTERBURNER_AKAROS_HOST_PORTIO_H

#include <cstdint>

namespace afterburner::akaros {

class PortIo {
public:
  enum class WriteOutcome { Handled, Reset };

  WriteOutcome write(uint16_t port, unsigned size, uint32_t value);
  uint32_t read(uint16_t port, unsigned size) const;

private:
  uint32_t configurationRead(unsigned size, unsigned byteOffset) const;

  uint32_t configurationAddress_ = 0;
};

} // namespace afterburner::akaros

#endif
