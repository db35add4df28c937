// SiteRewriter.h: the pure rules that turn a sensitive instruction into a site: site size,
// canonical padding, section flags and the prefixes found in the instruction bytes.
#pragma once

#include <cstdint>
#include <string>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace afterburner {

// site_length = max(insn_length, the op's minimum site size). 0 for an unknown op.
unsigned siteLength(unsigned op, unsigned instructionLength);

// Whether an op exists in a CPU mode (16, 32 or 64), from the op table's modes column.
bool opExistsInMode(unsigned op, unsigned mode);

// Appends `count` bytes of canonical nops (site_abi.h section 5): longest first; 0x90
// only in 16-bit mode, where the multi-byte forms decode differently.
void appendCanonicalPadding(std::string &bytes, unsigned count, unsigned mode);

// AFTERBURNER_SITE_FLAG_* implied by the section a site lives in.
uint8_t sectionFlags(llvm::StringRef sectionName);

// The legacy prefixes at the start of an encoded instruction that a record reports.
struct LegacyPrefixes {
  uint8_t Segment = 0xff; // explicit segment override (AFTERBURNER_SEG_*), or NONE
  bool Repeat = false;    // rep/repe (0xf3) or repne (0xf2)
};
LegacyPrefixes scanLegacyPrefixes(llvm::ArrayRef<char> bytes);

} // namespace afterburner
