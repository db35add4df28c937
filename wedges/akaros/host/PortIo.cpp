// PortIo.cpp: see PortIo.h.
#include "PortIo.h"

namespace afterburner::akaros {
namespace {

constexpr uint16_t kPortPicMask = 0x21;
constexpr uint16_t kPortConfigAddress = 0xcf8;
constexpr uint16_t kPortReset = 0xcf9;
constexpr uint16_t kPortConfigData = 0xcfc;
constexpr uint32_t kResetBit = 0x4;

// Akaros's only PCI function, devfn 0 on bus 0: an Intel 440BX host bridge.
constexpr uint32_t kHostBridge[] = {0x71908086, 0x02000006, 0x06000001};

uint32_t maskOf(unsigned size) {
  return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

} // namespace

PortIo::WriteOutcome PortIo::write(uint16_t port, unsigned size, uint32_t value) {
  if (port == kPortConfigAddress && size == 4)
    configurationAddress_ = value;
  if (port == kPortReset && size == 1 && (value & kResetBit))
    return WriteOutcome::Reset;
  return WriteOutcome::Handled; // configuration writes and everything else: ignored
}

uint32_t PortIo::read(uint16_t port, unsigned size) const {
  if (port == kPortPicMask && size == 1)
    return 0xff;
  if (port == kPortConfigAddress && size == 4)
    return configurationAddress_;
  // Akaros answers every other read from the configuration space the last
  // 0xcf8 write selected, whatever the port; the data window offsets it.
  unsigned byteOffset =
      port >= kPortConfigData && port <= kPortConfigData + 3 ? port - kPortConfigData : 0;
  return configurationRead(size, byteOffset);
}

uint32_t PortIo::configurationRead(unsigned size, unsigned byteOffset) const {
  const bool enabled = configurationAddress_ & 0x80000000u;
  const uint32_t busDeviceFunction = (configurationAddress_ >> 8) & 0xffff;
  const uint32_t registerIndex = (configurationAddress_ & 0xfc) / 4;
  if (!enabled || busDeviceFunction != 0)
    return maskOf(size);
  uint32_t value = registerIndex < 3 ? kHostBridge[registerIndex] : 0;
  return (value >> (byteOffset * 8)) & maskOf(size);
}

} // namespace afterburner::akaros
