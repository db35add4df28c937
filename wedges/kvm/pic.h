// pic.h: the two 8259s' interrupt mask registers, remembered so that reading a
// mask, or writing the mask the PIC already has, costs no exit. Everything that
// changes the PIC (initialization words, EOIs, new masks) still goes to the
// device: KVM's in-kernel PIC must see every EOI.
#ifndef AFTERBURNER_WEDGES_KVM_PIC_H
#define AFTERBURNER_WEDGES_KVM_PIC_H

#include <stdint.h>

namespace afterburner::kvm {

class PicMaskCache {
public:
  static constexpr uint16_t MasterCommand = 0x20;
  static constexpr uint16_t SlaveCommand = 0xa0;

  void reset();
  static bool owns(uint16_t port) {
    return port == MasterCommand || port == MasterCommand + 1 || port == SlaveCommand ||
           port == SlaveCommand + 1;
  }
  // True when the write must reach the PIC; false when it would change nothing.
  bool write(uint16_t port, uint8_t value);
  // True, with the mask in value, when a read is answered from memory.
  bool read(uint16_t port, uint8_t &value) const;
  // The value a read from the PIC returned (so later reads need no exit).
  void observe(uint16_t port, uint8_t value);

private:
  struct Chip {
    bool maskKnown;
    uint8_t mask;
    uint8_t initWordsLeft; // ICW2..ICW4 still expected on the data port
  };
  static unsigned chipOf(uint16_t port) { return port >= SlaveCommand ? 1 : 0; }
  static bool isData(uint16_t port) { return (port & 1) != 0; }
  bool writeData(Chip &chip, uint8_t value);

  Chip Chips[2];
};

} // namespace afterburner::kvm

#endif
