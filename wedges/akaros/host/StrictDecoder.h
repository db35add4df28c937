// StrictDecoder.h: which instruction encodings Akaros's VMM can decode. Akaros
// re-reads the guest's instruction bytes on every port-I/O and MMIO exit
// (user/vmm/io.c, user/vmm/decode.c) and kills the VMM on anything else, while KVM
// accepts every encoding. Strict mode applies these checks so a wedge that passes
// on the stand-in does not die on Akaros.
#ifndef AFTERBURNER_AKAROS_HOST_STRICTDECODER_H
#define AFTERBURNER_AKAROS_HOST_STRICTDECODER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace afterburner::akaros {

// A port-I/O exit as KVM reports it, plus the guest bytes around rip. Whether rip
// is still on the instruction depends on the KVM: upstream leaves it there until
// the access completes; this machine's software KVM has already stepped past an
// `out` but not an `in`. So both places are looked at.
struct PortIoExit {
  bool in = false;
  unsigned size = 1; // 1, 2 or 4
  uint16_t port = 0;
  uint16_t dx = 0;        // the guest's dx at the exit
  unsigned count = 1;     // > 1 only for string I/O
  uint8_t before[3] = {}; // before[2] is the byte at rip - 1
  uint8_t at[4] = {};     // the bytes at rip
};

// Empty when Akaros decodes the instruction; otherwise why it would die.
// Akaros knows exactly: ef, ee, e6 ib, 66 ef (out) and ec, ed, e4 21, 66 ed (in).
// The bytes at rip are decoded exactly (prefixes included) when they are the
// exit's instruction; otherwise the bytes before rip are matched against the forms.
std::string checkPortIoEncoding(const PortIoExit &exit);

// Empty when Akaros's MMIO emulator decodes the instruction at `bytes`
// (mov 88/89/8a/8b, movzx 0f b6/b7, add/cmp 80/81 /0 /7, cmp 3a, with operand-size
// and REX prefixes); otherwise why it would die.
std::string checkMmioEncoding(const uint8_t *bytes, size_t length);

} // namespace afterburner::akaros

#endif
