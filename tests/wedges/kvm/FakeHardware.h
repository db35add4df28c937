// FakeHardware.h: a PortHardware that records every access, standing in for real
// port I/O (one recorded access = one exit) and for kvmclock.
#pragma once

#include "port_hardware.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace afterburner::kvm::test {

struct Access {
  bool write;
  uint16_t port;
  unsigned width;
  uint32_t value;
  std::string bytes; // outBytes only
  bool operator==(const Access &other) const {
    return write == other.write && port == other.port && width == other.width &&
           value == other.value && bytes == other.bytes;
  }
};

class FakeHardware {
public:
  // One fake at a time (the hooks are plain function pointers).
  explicit FakeHardware(bool withClock = true) {
    current() = this;
    Hooks.in = [](uint16_t port, unsigned width) { return current()->in(port, width); };
    Hooks.out = [](uint16_t port, unsigned width, uint32_t value) {
      current()->Accesses.push_back({true, port, width, value, {}});
    };
    Hooks.outBytes = [](uint16_t port, const uint8_t *bytes, size_t count) {
      current()->Accesses.push_back(
          {true, port, 1, 0, std::string(reinterpret_cast<const char *>(bytes), count)});
    };
    if (withClock)
      Hooks.nowNanoseconds = [] { return current()->Now; };
  }
  ~FakeHardware() {
    if (current() == this)
      current() = nullptr;
  }

  const PortHardware *hooks() const { return &Hooks; }
  std::vector<Access> Accesses;
  std::map<uint16_t, uint32_t> Inputs; // what a real read of a port returns
  uint64_t Now = 0;

private:
  static FakeHardware *&current() {
    static FakeHardware *instance = nullptr;
    return instance;
  }
  uint32_t in(uint16_t port, unsigned width) {
    const uint32_t value = Inputs.count(port) ? Inputs[port] : 0xff;
    Accesses.push_back({false, port, width, value, {}});
    return value;
  }
  PortHardware Hooks{};
};

} // namespace afterburner::kvm::test
