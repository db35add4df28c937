// pic.cpp: the 8259 mask cache.
#include "pic.h"

namespace afterburner::kvm {

namespace {
constexpr uint8_t Icw1 = 0x10;       // command-port bit 4: start initialization
constexpr uint8_t Icw1Single = 0x02; // no ICW3
constexpr uint8_t Icw1NeedsIcw4 = 0x01;
} // namespace

void PicMaskCache::reset() {
  for (Chip &chip : Chips)
    chip = Chip{};
}

bool PicMaskCache::writeData(Chip &chip, uint8_t value) {
  if (chip.initWordsLeft > 0) {
    --chip.initWordsLeft;
    return true; // ICW2..4 are not masks
  }
  if (chip.maskKnown && chip.mask == value)
    return false;
  chip.maskKnown = true;
  chip.mask = value;
  return true;
}

bool PicMaskCache::write(uint16_t port, uint8_t value) {
  Chip &chip = Chips[chipOf(port)];
  if (isData(port))
    return writeData(chip, value);
  if (value & Icw1) {
    // Initialization clears the mask; ICW2, then ICW3 and ICW4 if asked for, follow.
    chip.maskKnown = true;
    chip.mask = 0;
    chip.initWordsLeft = static_cast<uint8_t>(1 + ((value & Icw1Single) ? 0 : 1) +
                                              ((value & Icw1NeedsIcw4) ? 1 : 0));
  }
  return true; // EOIs and OCW3 always reach the PIC
}

bool PicMaskCache::read(uint16_t port, uint8_t &value) const {
  const Chip &chip = Chips[chipOf(port)];
  if (!isData(port) || !chip.maskKnown || chip.initWordsLeft > 0)
    return false; // command-port reads return IRR/ISR: only the PIC knows
  value = chip.mask;
  return true;
}

void PicMaskCache::observe(uint16_t port, uint8_t value) {
  Chip &chip = Chips[chipOf(port)];
  if (!isData(port) || chip.initWordsLeft > 0)
    return;
  chip.maskKnown = true;
  chip.mask = value;
}

} // namespace afterburner::kvm
