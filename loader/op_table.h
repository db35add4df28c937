// op_table.h: what the loader knows about each op, from site_abi.h's X-macro, plus a
// small table of the opcode bytes each op's instruction starts with.
//
// The opcode check is a sanity check on the record, NOT a decoder: it skips legacy
// and REX prefixes and compares one to three opcode bytes (and, for the 0f 00 /
// 0f 01 / 0f ae / 0f c7 groups, ModRM.reg and whether ModRM names memory). A record
// whose op does not match the bytes at its site is refused.
#pragma once

#include <afterburner/site_abi.h>

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader {

struct OpInfo {
  const char *name;    // "cli"
  uint8_t minimumSize; // minimum site_length
  uint8_t flow;        // AFTERBURNER_FLOW_*
  uint8_t modes;       // AFTERBURNER_MODE_* mask
};

// The op's description, or nullptr for 0 and ids this loader does not know.
const OpInfo *opInfo(unsigned op);

// The op's name, or "unknown".
const char *opName(unsigned op);

// True when the instruction bytes (insn_length of them) start with an opcode that
// belongs to op, in the given CPU mode (16, 32 or 64).
bool opcodeMatches(unsigned op, const uint8_t *instruction, size_t length, unsigned mode);

} // namespace afterburner::loader
