// register_write.h: writing an instruction's result into a saved register the way
// x86 does. Pure: compiles hosted.
#ifndef AFTERBURNER_WEDGES_KVM_REGISTER_WRITE_H
#define AFTERBURNER_WEDGES_KVM_REGISTER_WRITE_H

#include <stdint.h>

namespace afterburner::kvm {

// A 4-byte write zero-extends to 64 bits; 1- and 2-byte writes keep the rest.
inline void writeRegister(uint64_t &slot, uint32_t value, unsigned width) {
  if (width == 4)
    slot = value;
  else if (width == 2)
    slot = (slot & ~uint64_t{0xffff}) | (value & 0xffff);
  else
    slot = (slot & ~uint64_t{0xff}) | (value & 0xff);
}

} // namespace afterburner::kvm

#endif
