// op_table.cpp: op descriptions and expected opcodes (see op_table.h).
#include "op_table.h"

namespace afterburner::loader {

namespace {

constexpr OpInfo opInfos[AFTERBURNER_OP_LIMIT] = {{"invalid", 0, 0, 0},
#define AFTERBURNER_LOADER_OP_INFO(name, id, size, class_, flow, modes) {#name, size, flow, modes},
                                                  AFTERBURNER_SITE_OPS(AFTERBURNER_LOADER_OP_INFO)
#undef AFTERBURNER_LOADER_OP_INFO
};

// ModRM constraints of an opcode pattern.
constexpr uint8_t anyReg = 0xff;
enum ModConstraint : uint8_t { AnyMod, MemoryOnly, RegisterOnly };

// One opcode an op's instruction may start with (after prefixes). A ModRM byte
// follows the opcode bytes when reg != anyReg or mod != AnyMod.
struct OpcodePattern {
  uint8_t op;
  uint8_t length; // opcode bytes, 1..3
  uint8_t bytes[3];
  uint8_t reg; // required ModRM.reg, or anyReg
  ModConstraint mod;
};

// Sorted by op id (checked at compile time below), several patterns per op.
constexpr OpcodePattern patterns[] = {
    {AFTERBURNER_OP_cli, 1, {0xfa}, anyReg, AnyMod},
    {AFTERBURNER_OP_sti, 1, {0xfb}, anyReg, AnyMod},
    {AFTERBURNER_OP_pushf, 1, {0x9c}, anyReg, AnyMod},
    {AFTERBURNER_OP_popf, 1, {0x9d}, anyReg, AnyMod},
    {AFTERBURNER_OP_hlt, 1, {0xf4}, anyReg, AnyMod},
    {AFTERBURNER_OP_monitor, 3, {0x0f, 0x01, 0xc8}, anyReg, AnyMod},
    {AFTERBURNER_OP_mwait, 3, {0x0f, 0x01, 0xc9}, anyReg, AnyMod},
    {AFTERBURNER_OP_in_imm, 1, {0xe4}, anyReg, AnyMod},
    {AFTERBURNER_OP_in_imm, 1, {0xe5}, anyReg, AnyMod},
    {AFTERBURNER_OP_in_dx, 1, {0xec}, anyReg, AnyMod},
    {AFTERBURNER_OP_in_dx, 1, {0xed}, anyReg, AnyMod},
    {AFTERBURNER_OP_out_imm, 1, {0xe6}, anyReg, AnyMod},
    {AFTERBURNER_OP_out_imm, 1, {0xe7}, anyReg, AnyMod},
    {AFTERBURNER_OP_out_dx, 1, {0xee}, anyReg, AnyMod},
    {AFTERBURNER_OP_out_dx, 1, {0xef}, anyReg, AnyMod},
    {AFTERBURNER_OP_ins, 1, {0x6c}, anyReg, AnyMod},
    {AFTERBURNER_OP_ins, 1, {0x6d}, anyReg, AnyMod},
    {AFTERBURNER_OP_outs, 1, {0x6e}, anyReg, AnyMod},
    {AFTERBURNER_OP_outs, 1, {0x6f}, anyReg, AnyMod},
    {AFTERBURNER_OP_read_cr0, 2, {0x0f, 0x20}, 0, RegisterOnly},
    {AFTERBURNER_OP_write_cr0, 2, {0x0f, 0x22}, 0, RegisterOnly},
    {AFTERBURNER_OP_read_cr2, 2, {0x0f, 0x20}, 2, RegisterOnly},
    {AFTERBURNER_OP_write_cr2, 2, {0x0f, 0x22}, 2, RegisterOnly},
    {AFTERBURNER_OP_read_cr3, 2, {0x0f, 0x20}, 3, RegisterOnly},
    {AFTERBURNER_OP_write_cr3, 2, {0x0f, 0x22}, 3, RegisterOnly},
    {AFTERBURNER_OP_read_cr4, 2, {0x0f, 0x20}, 4, RegisterOnly},
    {AFTERBURNER_OP_write_cr4, 2, {0x0f, 0x22}, 4, RegisterOnly},
    // cr8 is REX.R + reg 0 in 64-bit code (lock mov cr0 elsewhere): reg is not checked.
    {AFTERBURNER_OP_read_cr8, 2, {0x0f, 0x20}, anyReg, RegisterOnly},
    {AFTERBURNER_OP_write_cr8, 2, {0x0f, 0x22}, anyReg, RegisterOnly},
    {AFTERBURNER_OP_clts, 2, {0x0f, 0x06}, anyReg, AnyMod},
    {AFTERBURNER_OP_lmsw, 2, {0x0f, 0x01}, 6, AnyMod},
    {AFTERBURNER_OP_smsw, 2, {0x0f, 0x01}, 4, AnyMod},
    {AFTERBURNER_OP_read_dr, 2, {0x0f, 0x21}, anyReg, RegisterOnly},
    {AFTERBURNER_OP_write_dr, 2, {0x0f, 0x23}, anyReg, RegisterOnly},
    {AFTERBURNER_OP_lgdt, 2, {0x0f, 0x01}, 2, MemoryOnly},
    {AFTERBURNER_OP_lidt, 2, {0x0f, 0x01}, 3, MemoryOnly},
    {AFTERBURNER_OP_lldt, 2, {0x0f, 0x00}, 2, AnyMod},
    {AFTERBURNER_OP_ltr, 2, {0x0f, 0x00}, 3, AnyMod},
    {AFTERBURNER_OP_sgdt, 2, {0x0f, 0x01}, 0, MemoryOnly},
    {AFTERBURNER_OP_sidt, 2, {0x0f, 0x01}, 1, MemoryOnly},
    {AFTERBURNER_OP_sldt, 2, {0x0f, 0x00}, 0, AnyMod},
    {AFTERBURNER_OP_str, 2, {0x0f, 0x00}, 1, AnyMod},
    {AFTERBURNER_OP_write_sreg, 1, {0x8e}, anyReg, AnyMod},
    {AFTERBURNER_OP_read_sreg, 1, {0x8c}, anyReg, AnyMod},
    {AFTERBURNER_OP_push_sreg, 1, {0x06}, anyReg, AnyMod},
    {AFTERBURNER_OP_push_sreg, 1, {0x0e}, anyReg, AnyMod},
    {AFTERBURNER_OP_push_sreg, 1, {0x16}, anyReg, AnyMod},
    {AFTERBURNER_OP_push_sreg, 1, {0x1e}, anyReg, AnyMod},
    {AFTERBURNER_OP_push_sreg, 2, {0x0f, 0xa0}, anyReg, AnyMod},
    {AFTERBURNER_OP_push_sreg, 2, {0x0f, 0xa8}, anyReg, AnyMod},
    {AFTERBURNER_OP_pop_sreg, 1, {0x07}, anyReg, AnyMod},
    {AFTERBURNER_OP_pop_sreg, 1, {0x17}, anyReg, AnyMod},
    {AFTERBURNER_OP_pop_sreg, 1, {0x1f}, anyReg, AnyMod},
    {AFTERBURNER_OP_pop_sreg, 2, {0x0f, 0xa1}, anyReg, AnyMod},
    {AFTERBURNER_OP_pop_sreg, 2, {0x0f, 0xa9}, anyReg, AnyMod},
    {AFTERBURNER_OP_load_far_pointer, 1, {0xc4}, anyReg, MemoryOnly},
    {AFTERBURNER_OP_load_far_pointer, 1, {0xc5}, anyReg, MemoryOnly},
    {AFTERBURNER_OP_load_far_pointer, 2, {0x0f, 0xb2}, anyReg, MemoryOnly},
    {AFTERBURNER_OP_load_far_pointer, 2, {0x0f, 0xb4}, anyReg, MemoryOnly},
    {AFTERBURNER_OP_load_far_pointer, 2, {0x0f, 0xb5}, anyReg, MemoryOnly},
    {AFTERBURNER_OP_far_jmp, 1, {0xea}, anyReg, AnyMod},
    {AFTERBURNER_OP_far_jmp, 1, {0xff}, 5, MemoryOnly},
    {AFTERBURNER_OP_far_call, 1, {0x9a}, anyReg, AnyMod},
    {AFTERBURNER_OP_far_call, 1, {0xff}, 3, MemoryOnly},
    {AFTERBURNER_OP_far_ret, 1, {0xca}, anyReg, AnyMod},
    {AFTERBURNER_OP_far_ret, 1, {0xcb}, anyReg, AnyMod},
    {AFTERBURNER_OP_lar, 2, {0x0f, 0x02}, anyReg, AnyMod},
    {AFTERBURNER_OP_lsl, 2, {0x0f, 0x03}, anyReg, AnyMod},
    {AFTERBURNER_OP_verr, 2, {0x0f, 0x00}, 4, AnyMod},
    {AFTERBURNER_OP_verw, 2, {0x0f, 0x00}, 5, AnyMod},
    {AFTERBURNER_OP_arpl, 1, {0x63}, anyReg, AnyMod},
    {AFTERBURNER_OP_rdmsr, 2, {0x0f, 0x32}, anyReg, AnyMod},
    {AFTERBURNER_OP_wrmsr, 2, {0x0f, 0x30}, anyReg, AnyMod},
    {AFTERBURNER_OP_rdtsc, 2, {0x0f, 0x31}, anyReg, AnyMod},
    {AFTERBURNER_OP_rdtscp, 3, {0x0f, 0x01, 0xf9}, anyReg, AnyMod},
    {AFTERBURNER_OP_rdpmc, 2, {0x0f, 0x33}, anyReg, AnyMod},
    {AFTERBURNER_OP_cpuid, 2, {0x0f, 0xa2}, anyReg, AnyMod},
    {AFTERBURNER_OP_invlpg, 2, {0x0f, 0x01}, 7, MemoryOnly},
    {AFTERBURNER_OP_invpcid, 3, {0x0f, 0x38, 0x82}, anyReg, MemoryOnly},
    {AFTERBURNER_OP_wbinvd, 2, {0x0f, 0x09}, anyReg, AnyMod},
    {AFTERBURNER_OP_invd, 2, {0x0f, 0x08}, anyReg, AnyMod},
    {AFTERBURNER_OP_iret, 1, {0xcf}, anyReg, AnyMod},
    {AFTERBURNER_OP_sysret, 2, {0x0f, 0x07}, anyReg, AnyMod},
    {AFTERBURNER_OP_sysexit, 2, {0x0f, 0x35}, anyReg, AnyMod},
    {AFTERBURNER_OP_swapgs, 3, {0x0f, 0x01, 0xf8}, anyReg, AnyMod},
    {AFTERBURNER_OP_xsetbv, 3, {0x0f, 0x01, 0xd1}, anyReg, AnyMod},
    {AFTERBURNER_OP_xgetbv, 3, {0x0f, 0x01, 0xd0}, anyReg, AnyMod},
    {AFTERBURNER_OP_rdfsbase, 2, {0x0f, 0xae}, 0, RegisterOnly},
    {AFTERBURNER_OP_rdgsbase, 2, {0x0f, 0xae}, 1, RegisterOnly},
    {AFTERBURNER_OP_wrfsbase, 2, {0x0f, 0xae}, 2, RegisterOnly},
    {AFTERBURNER_OP_wrgsbase, 2, {0x0f, 0xae}, 3, RegisterOnly},
    {AFTERBURNER_OP_stac, 3, {0x0f, 0x01, 0xcb}, anyReg, AnyMod},
    {AFTERBURNER_OP_clac, 3, {0x0f, 0x01, 0xca}, anyReg, AnyMod},
    {AFTERBURNER_OP_xsaves, 2, {0x0f, 0xc7}, 5, MemoryOnly},
    {AFTERBURNER_OP_xrstors, 2, {0x0f, 0xc7}, 3, MemoryOnly},
    {AFTERBURNER_OP_int_n, 1, {0xcd}, anyReg, AnyMod},
    {AFTERBURNER_OP_int_n, 1, {0xcc}, anyReg, AnyMod}, // int $3 may be encoded short
    // Annotated page-table writes (site_abi.h 6a): mov reg -> mem, xchg reg, mem.
    {AFTERBURNER_OP_page_table_store, 1, {0x89}, anyReg, MemoryOnly},
    {AFTERBURNER_OP_page_table_store, 1, {0xa3}, anyReg, AnyMod}, // movl %eax, moffs32
    {AFTERBURNER_OP_page_table_exchange, 1, {0x87}, anyReg, MemoryOnly},
};
constexpr size_t patternCount = sizeof patterns / sizeof patterns[0];

// firstPattern[op] .. firstPattern[op + 1]: the patterns of op.
struct PatternIndex {
  uint16_t first[AFTERBURNER_OP_LIMIT + 1];
};

constexpr PatternIndex buildPatternIndex() {
  PatternIndex index{};
  size_t pattern = 0;
  for (unsigned op = 0; op <= AFTERBURNER_OP_LIMIT; ++op) {
    while (pattern < patternCount && patterns[pattern].op < op)
      ++pattern;
    index.first[op] = static_cast<uint16_t>(pattern);
  }
  return index;
}
constexpr PatternIndex patternIndex = buildPatternIndex();

constexpr bool patternsSortedAndComplete() {
  for (size_t pattern = 1; pattern < patternCount; ++pattern) {
    if (patterns[pattern].op < patterns[pattern - 1].op)
      return false;
  }
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op) {
    if (patternIndex.first[op] == patternIndex.first[op + 1])
      return false;
  }
  return true;
}
static_assert(patternsSortedAndComplete(), "one or more patterns per op, sorted by op id");

bool isLegacyPrefix(uint8_t byte) {
  switch (byte) {
  case 0x26:
  case 0x2e:
  case 0x36:
  case 0x3e:
  case 0x64:
  case 0x65:
  case 0x66:
  case 0x67:
  case 0xf0:
  case 0xf2:
  case 0xf3:
    return true;
  default:
    return false;
  }
}

// Offset of the first opcode byte: legacy prefixes, then REX in 64-bit code.
size_t skipPrefixes(const uint8_t *instruction, size_t length, unsigned mode) {
  size_t offset = 0;
  while (offset < length && isLegacyPrefix(instruction[offset]))
    ++offset;
  if (mode == 64 && offset < length && (instruction[offset] & 0xf0) == 0x40)
    ++offset;
  return offset;
}

bool modRmMatches(const OpcodePattern &pattern, uint8_t modRm) {
  if (pattern.reg != anyReg && ((modRm >> 3) & 7) != pattern.reg)
    return false;
  const bool registerForm = (modRm >> 6) == 3;
  if (pattern.mod == MemoryOnly)
    return !registerForm;
  if (pattern.mod == RegisterOnly)
    return registerForm;
  return true;
}

bool patternMatches(const OpcodePattern &pattern, const uint8_t *opcode, size_t length) {
  if (length < pattern.length)
    return false;
  for (size_t index = 0; index < pattern.length; ++index) {
    if (opcode[index] != pattern.bytes[index])
      return false;
  }
  if (pattern.reg == anyReg && pattern.mod == AnyMod)
    return true;
  if (length <= pattern.length)
    return false;
  return modRmMatches(pattern, opcode[pattern.length]);
}

} // namespace

const OpInfo *opInfo(unsigned op) {
  if (op == AFTERBURNER_OP_INVALID || op >= AFTERBURNER_OP_LIMIT)
    return nullptr;
  return &opInfos[op];
}

const char *opName(unsigned op) {
  const OpInfo *info = opInfo(op);
  return info ? info->name : "unknown";
}

bool opcodeMatches(unsigned op, const uint8_t *instruction, size_t length, unsigned mode) {
  if (!opInfo(op))
    return false;
  const size_t offset = skipPrefixes(instruction, length, mode);
  for (size_t pattern = patternIndex.first[op]; pattern < patternIndex.first[op + 1]; ++pattern) {
    if (patternMatches(patterns[pattern], instruction + offset, length - offset))
      return true;
  }
  return false;
}

} // namespace afterburner::loader
