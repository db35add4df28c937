// StrictDecoder.cpp: see StrictDecoder.h.
#include "StrictDecoder.h"

#include <cstdio>

namespace afterburner::akaros {
namespace {

constexpr uint8_t kOperandSize = 0x66;

std::string hexBytes(const uint8_t *bytes, size_t length) {
  std::string text;
  char buffer[4];
  for (size_t i = 0; i < length; ++i) {
    std::snprintf(buffer, sizeof buffer, i ? " %02x" : "%02x", bytes[i]);
    text += buffer;
  }
  return text;
}

uint8_t dxOpcode(bool in, unsigned size) {
  if (in)
    return size == 1 ? 0xec : 0xed;
  return size == 1 ? 0xee : 0xef;
}

uint8_t immediateOpcode(bool in, unsigned size) {
  if (in)
    return size == 1 ? 0xe4 : 0xe5;
  return size == 1 ? 0xe6 : 0xe7;
}

// Whether the bytes before the resumption point end with the dx form.
bool looksLikeDxForm(const PortIoExit &exit) {
  if (exit.dx != exit.port || exit.before[2] != dxOpcode(exit.in, exit.size))
    return false;
  return exit.size != 2 || exit.before[1] == kOperandSize;
}

bool looksLikeImmediateForm(const PortIoExit &exit) {
  if (exit.port > 0xff || exit.before[2] != exit.port)
    return false;
  if (exit.before[1] != immediateOpcode(exit.in, exit.size))
    return false;
  return exit.size != 2 || exit.before[0] == kOperandSize;
}

std::string acceptDxForm(const PortIoExit &exit) {
  if (exit.size == 2 || exit.size == 1 || exit.size == 4)
    return {};
  return "unexpected port-I/O size";
}

std::string acceptImmediateForm(const PortIoExit &exit) {
  if (!exit.in && exit.size == 1)
    return {}; // e6 ib: Akaros ignores the write
  if (exit.in && exit.size == 1 && exit.port == 0x21)
    return {}; // e4 21
  char text[96];
  std::snprintf(text, sizeof text,
                "Akaros decodes no %s $imm8 form of width %u at port 0x%x (only e6 ib, e4 21)",
                exit.in ? "in" : "out", exit.size, exit.port);
  return text;
}

// ModRM.reg of the byte after an opcode: the /digit of group opcodes.
unsigned modrmDigit(uint8_t modrm) {
  return (modrm >> 3) & 7;
}

bool isPrefix(uint8_t byte) {
  switch (byte) {
  case 0x66:
  case 0x67:
  case 0xf0:
  case 0xf2:
  case 0xf3:
  case 0x26:
  case 0x2e:
  case 0x36:
  case 0x3e:
  case 0x64:
  case 0x65:
    return true;
  default:
    return (byte & 0xf0) == 0x40; // REX
  }
}

// Whether the bytes at rip are a port-I/O instruction that matches the exit
// (direction, width, port); sets its prefix count and form.
bool matchesInstructionAt(const PortIoExit &exit, unsigned &prefixes, bool &immediate) {
  prefixes = 0;
  bool operandSize = false;
  while (prefixes < 3 && isPrefix(exit.at[prefixes])) {
    operandSize |= exit.at[prefixes] == kOperandSize;
    ++prefixes;
  }
  const uint8_t opcode = exit.at[prefixes];
  const bool string = opcode >= 0x6c && opcode <= 0x6f;
  immediate = opcode >= 0xe4 && opcode <= 0xe7;
  const bool register_ = opcode >= 0xec && opcode <= 0xef;
  if (!string && !immediate && !register_)
    return false;
  const bool in = string ? opcode <= 0x6d : (opcode & 2) == 0;
  const unsigned size = (opcode & 1) == 0 ? 1 : (operandSize ? 2 : 4);
  if (in != exit.in || size != exit.size)
    return false;
  if (immediate)
    return prefixes + 1 < sizeof exit.at && exit.at[prefixes + 1] == exit.port;
  return exit.dx == exit.port;
}

std::string checkInstructionAt(const PortIoExit &exit, unsigned prefixes, bool immediate) {
  const bool onlyOperandSize = prefixes == 0 || (prefixes == 1 && exit.at[0] == kOperandSize &&
                                                 exit.size == 2 && !immediate);
  if (!onlyOperandSize)
    return "port I/O with prefixes (" + hexBytes(exit.at, prefixes + 1) +
           "): Akaros's VMM reads the first byte as the opcode";
  return immediate ? acceptImmediateForm(exit) : acceptDxForm(exit);
}

} // namespace

std::string checkPortIoEncoding(const PortIoExit &exit) {
  if (exit.count != 1)
    return "string port I/O (ins/outs): Akaros's VMM decodes no string forms";
  unsigned prefixes = 0;
  bool immediate = false;
  if (matchesInstructionAt(exit, prefixes, immediate))
    return checkInstructionAt(exit, prefixes, immediate);
  if (looksLikeDxForm(exit))
    return acceptDxForm(exit);
  if (looksLikeImmediateForm(exit))
    return acceptImmediateForm(exit);
  return "instruction bytes before rip (" + hexBytes(exit.before, 3) +
         ") are no port-I/O encoding Akaros's VMM decodes";
}

std::string checkMmioEncoding(const uint8_t *bytes, size_t length) {
  size_t at = 0;
  while (at < length && bytes[at] == kOperandSize)
    ++at;
  if (at < length && (bytes[at] & 0xf0) == 0x40) // REX
    ++at;
  if (at + 1 >= length)
    return "truncated instruction";
  const uint8_t opcode = bytes[at];
  const uint8_t next = bytes[at + 1];
  switch (opcode) {
  case 0x88:
  case 0x89:
  case 0x8a:
  case 0x8b:
  case 0x3a:
    return {};
  case 0x0f:
    if (next == 0xb6 || next == 0xb7)
      return {};
    break;
  case 0x80:
  case 0x81:
    if (modrmDigit(next) == 0 || modrmDigit(next) == 7)
      return {};
    break;
  default:
    break;
  }
  return "MMIO instruction " + hexBytes(bytes, length < 8 ? length : 8) +
         " is outside Akaros's decoder (mov, movzx, add/cmp imm, cmp 3a)";
}

} // namespace afterburner::akaros
