// SiteRewriter.cpp: site size, canonical padding, section policy and prefix scanning.
#include "afterburner/SiteRewriter.h"

#include "afterburner/site_abi.h"

#include <algorithm>

namespace afterburner {
namespace {

struct OpFacts {
  uint8_t minimumSize;
  uint8_t modes;
};

const OpFacts opFacts[AFTERBURNER_OP_LIMIT] = {{0, 0},
#define AFTERBURNER_OP_FACTS(name, id, size, class_, flow, modes) {size, modes},
                                               AFTERBURNER_SITE_OPS(AFTERBURNER_OP_FACTS)
#undef AFTERBURNER_OP_FACTS
};

const unsigned char canonicalNops[AFTERBURNER_NOP_MAX][AFTERBURNER_NOP_MAX] = {
    {AFTERBURNER_NOP1}, {AFTERBURNER_NOP2}, {AFTERBURNER_NOP3},
    {AFTERBURNER_NOP4}, {AFTERBURNER_NOP5}, {AFTERBURNER_NOP6},
    {AFTERBURNER_NOP7}, {AFTERBURNER_NOP8}, {AFTERBURNER_NOP9},
};

bool hasPrefix(llvm::StringRef name, llvm::StringRef prefix) {
  return name == prefix ||
         (name.starts_with(prefix) && name.substr(prefix.size()).starts_with("."));
}

uint8_t segmentOfPrefix(unsigned char byte) {
  switch (byte) {
  case 0x26:
    return AFTERBURNER_SEG_ES;
  case 0x2e:
    return AFTERBURNER_SEG_CS;
  case 0x36:
    return AFTERBURNER_SEG_SS;
  case 0x3e:
    return AFTERBURNER_SEG_DS;
  case 0x64:
    return AFTERBURNER_SEG_FS;
  case 0x65:
    return AFTERBURNER_SEG_GS;
  default:
    return AFTERBURNER_REG_NONE;
  }
}

} // namespace

unsigned siteLength(unsigned op, unsigned instructionLength) {
  if (op == 0 || op >= AFTERBURNER_OP_LIMIT)
    return 0;
  return std::max<unsigned>(instructionLength, opFacts[op].minimumSize);
}

bool opExistsInMode(unsigned op, unsigned mode) {
  if (op == 0 || op >= AFTERBURNER_OP_LIMIT)
    return false;
  unsigned bit = mode == 16   ? AFTERBURNER_MODE_16
                 : mode == 32 ? AFTERBURNER_MODE_32
                              : AFTERBURNER_MODE_64;
  return opFacts[op].modes & bit;
}

void appendCanonicalPadding(std::string &bytes, unsigned count, unsigned mode) {
  if (mode == 16) {
    bytes.append(count, static_cast<char>(AFTERBURNER_NOP1));
    return;
  }
  while (count > 0) {
    unsigned length = std::min<unsigned>(count, AFTERBURNER_NOP_MAX);
    bytes.append(reinterpret_cast<const char *>(canonicalNops[length - 1]), length);
    count -= length;
  }
}

// The policy (docs/assembler.md): sites are recorded everywhere; the flags tell the
// loader which ones it must not patch in place or may find already run.
uint8_t sectionFlags(llvm::StringRef name) {
  if (hasPrefix(name, ".altinstr_replacement") || hasPrefix(name, ".altinstr_aux"))
    return AFTERBURNER_SITE_FLAG_COPIED_SECTION;
  if (name.starts_with(".init.") || name == ".init")
    return AFTERBURNER_SITE_FLAG_INIT_SECTION;
  if (hasPrefix(name, ".exit.text"))
    return AFTERBURNER_SITE_FLAG_EXIT_SECTION;
  if (hasPrefix(name, ".head.text") || hasPrefix(name, ".text.head") ||
      hasPrefix(name, ".boot.text"))
    return AFTERBURNER_SITE_FLAG_EARLY;
  return 0;
}

LegacyPrefixes scanLegacyPrefixes(llvm::ArrayRef<char> bytes) {
  LegacyPrefixes prefixes;
  for (char signedByte : bytes) {
    auto byte = static_cast<unsigned char>(signedByte);
    uint8_t segment = segmentOfPrefix(byte);
    if (segment != AFTERBURNER_REG_NONE) {
      prefixes.Segment = segment;
      continue;
    }
    if (byte == 0xf2 || byte == 0xf3) {
      prefixes.Repeat = true;
      continue;
    }
    if (byte == 0xf0 || byte == 0x66 || byte == 0x67)
      continue;
    break; // REX or the opcode: the legacy prefixes end here
  }
  return prefixes;
}

} // namespace afterburner
