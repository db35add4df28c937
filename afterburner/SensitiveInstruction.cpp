// SensitiveInstruction.cpp: the one classification table (X86:: opcode -> op + operand
// shape) and the operand reader.
#include "afterburner/SensitiveInstruction.h"

#include "afterburner/site_abi.h"

#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"

#include <algorithm>
#include <cstring>

namespace afterburner {
namespace {

constexpr uint8_t none = AFTERBURNER_REG_NONE;
using S = OperandShape;

// The table. LLVM's X86 opcode names are stable across 19.x; a unit test checks that
// every name resolves. Rows with op 0 are resolved from the operands (control registers)
// or are prefixes written as separate statements.
#define ROW(name, op, shape, width)                                                                \
  { name, AFTERBURNER_OP_##op, S::shape, width, none }
#define SEGMENT_ROW(name, op, shape, width, segment)                                               \
  { name, AFTERBURNER_OP_##op, S::shape, width, AFTERBURNER_SEG_##segment }
#define SPECIAL_ROW(name, shape, width)                                                            \
  { name, 0, S::shape, width, none }
#define PREFIX_ROW(name, segment)                                                                  \
  { name, 0, S::Prefix, 0, segment }
const std::vector<OpcodeRow> table = {
    ROW("CLI", cli, None, 0),
    ROW("STI", sti, None, 0),
    ROW("PUSHF16", pushf, None, 2),
    ROW("PUSHF32", pushf, None, 4),
    ROW("PUSHF64", pushf, None, 8),
    ROW("POPF16", popf, None, 2),
    ROW("POPF32", popf, None, 4),
    ROW("POPF64", popf, None, 8),
    ROW("HLT", hlt, None, 0),
    ROW("MONITOR32rrr", monitor, None, 0),
    ROW("MONITOR64rrr", monitor, None, 0),
    ROW("MWAITrr", mwait, None, 0),
    ROW("IN8ri", in_imm, Immediate, 1),
    ROW("IN16ri", in_imm, Immediate, 2),
    ROW("IN32ri", in_imm, Immediate, 4),
    ROW("IN8rr", in_dx, None, 1),
    ROW("IN16rr", in_dx, None, 2),
    ROW("IN32rr", in_dx, None, 4),
    ROW("OUT8ir", out_imm, Immediate, 1),
    ROW("OUT16ir", out_imm, Immediate, 2),
    ROW("OUT32ir", out_imm, Immediate, 4),
    ROW("OUT8rr", out_dx, None, 1),
    ROW("OUT16rr", out_dx, None, 2),
    ROW("OUT32rr", out_dx, None, 4),
    ROW("INSB", ins, None, 1),
    ROW("INSW", ins, None, 2),
    ROW("INSL", ins, None, 4),
    ROW("OUTSB", outs, None, 1),
    ROW("OUTSW", outs, None, 2),
    ROW("OUTSL", outs, None, 4),
    SPECIAL_ROW("MOV32rc", ReadControl, 4),
    SPECIAL_ROW("MOV64rc", ReadControl, 8),
    SPECIAL_ROW("MOV32cr", WriteControl, 4),
    SPECIAL_ROW("MOV64cr", WriteControl, 8),
    ROW("CLTS", clts, None, 0),
    ROW("LMSW16r", lmsw, Gpr, 2),
    ROW("LMSW16m", lmsw, Memory, 2),
    ROW("SMSW16r", smsw, Gpr, 2),
    ROW("SMSW32r", smsw, Gpr, 4),
    ROW("SMSW64r", smsw, Gpr, 8),
    ROW("SMSW16m", smsw, Memory, 2),
    ROW("MOV32rd", read_dr, ReadDebug, 4),
    ROW("MOV64rd", read_dr, ReadDebug, 8),
    ROW("MOV32dr", write_dr, WriteDebug, 4),
    ROW("MOV64dr", write_dr, WriteDebug, 8),
    ROW("LGDT16m", lgdt, Memory, 2),
    ROW("LGDT32m", lgdt, Memory, 4),
    ROW("LGDT64m", lgdt, Memory, 8),
    ROW("LIDT16m", lidt, Memory, 2),
    ROW("LIDT32m", lidt, Memory, 4),
    ROW("LIDT64m", lidt, Memory, 8),
    ROW("LLDT16r", lldt, Gpr, 2),
    ROW("LLDT16m", lldt, Memory, 2),
    ROW("LTRr", ltr, Gpr, 2),
    ROW("LTRm", ltr, Memory, 2),
    ROW("SGDT16m", sgdt, Memory, 2),
    ROW("SGDT32m", sgdt, Memory, 4),
    ROW("SGDT64m", sgdt, Memory, 8),
    ROW("SIDT16m", sidt, Memory, 2),
    ROW("SIDT32m", sidt, Memory, 4),
    ROW("SIDT64m", sidt, Memory, 8),
    ROW("SLDT16r", sldt, Gpr, 2),
    ROW("SLDT32r", sldt, Gpr, 4),
    ROW("SLDT64r", sldt, Gpr, 8),
    ROW("SLDT16m", sldt, Memory, 2),
    ROW("STR16r", str, Gpr, 2),
    ROW("STR32r", str, Gpr, 4),
    ROW("STR64r", str, Gpr, 8),
    ROW("STRm", str, Memory, 2),
    ROW("MOV16sr", write_sreg, WriteSegmentGpr, 2),
    ROW("MOV32sr", write_sreg, WriteSegmentGpr, 2),
    ROW("MOV64sr", write_sreg, WriteSegmentGpr, 2),
    ROW("MOV16sm", write_sreg, WriteSegmentMemory, 2),
    ROW("MOV16rs", read_sreg, ReadSegmentGpr, 2),
    ROW("MOV32rs", read_sreg, ReadSegmentGpr, 4),
    ROW("MOV64rs", read_sreg, ReadSegmentGpr, 8),
    ROW("MOV16ms", read_sreg, ReadSegmentMemory, 2),
    SEGMENT_ROW("PUSHCS16", push_sreg, FixedSegment, 2, CS),
    SEGMENT_ROW("PUSHCS32", push_sreg, FixedSegment, 4, CS),
    SEGMENT_ROW("PUSHDS16", push_sreg, FixedSegment, 2, DS),
    SEGMENT_ROW("PUSHDS32", push_sreg, FixedSegment, 4, DS),
    SEGMENT_ROW("PUSHES16", push_sreg, FixedSegment, 2, ES),
    SEGMENT_ROW("PUSHES32", push_sreg, FixedSegment, 4, ES),
    SEGMENT_ROW("PUSHSS16", push_sreg, FixedSegment, 2, SS),
    SEGMENT_ROW("PUSHSS32", push_sreg, FixedSegment, 4, SS),
    SEGMENT_ROW("PUSHFS16", push_sreg, FixedSegment, 2, FS),
    SEGMENT_ROW("PUSHFS32", push_sreg, FixedSegment, 4, FS),
    SEGMENT_ROW("PUSHFS64", push_sreg, FixedSegment, 8, FS),
    SEGMENT_ROW("PUSHGS16", push_sreg, FixedSegment, 2, GS),
    SEGMENT_ROW("PUSHGS32", push_sreg, FixedSegment, 4, GS),
    SEGMENT_ROW("PUSHGS64", push_sreg, FixedSegment, 8, GS),
    SEGMENT_ROW("POPDS16", pop_sreg, FixedSegment, 2, DS),
    SEGMENT_ROW("POPDS32", pop_sreg, FixedSegment, 4, DS),
    SEGMENT_ROW("POPES16", pop_sreg, FixedSegment, 2, ES),
    SEGMENT_ROW("POPES32", pop_sreg, FixedSegment, 4, ES),
    SEGMENT_ROW("POPSS16", pop_sreg, FixedSegment, 2, SS),
    SEGMENT_ROW("POPSS32", pop_sreg, FixedSegment, 4, SS),
    SEGMENT_ROW("POPFS16", pop_sreg, FixedSegment, 2, FS),
    SEGMENT_ROW("POPFS32", pop_sreg, FixedSegment, 4, FS),
    SEGMENT_ROW("POPFS64", pop_sreg, FixedSegment, 8, FS),
    SEGMENT_ROW("POPGS16", pop_sreg, FixedSegment, 2, GS),
    SEGMENT_ROW("POPGS32", pop_sreg, FixedSegment, 4, GS),
    SEGMENT_ROW("POPGS64", pop_sreg, FixedSegment, 8, GS),
    SEGMENT_ROW("LDS16rm", load_far_pointer, RegisterMemory, 2, DS),
    SEGMENT_ROW("LDS32rm", load_far_pointer, RegisterMemory, 4, DS),
    SEGMENT_ROW("LES16rm", load_far_pointer, RegisterMemory, 2, ES),
    SEGMENT_ROW("LES32rm", load_far_pointer, RegisterMemory, 4, ES),
    SEGMENT_ROW("LFS16rm", load_far_pointer, RegisterMemory, 2, FS),
    SEGMENT_ROW("LFS32rm", load_far_pointer, RegisterMemory, 4, FS),
    SEGMENT_ROW("LFS64rm", load_far_pointer, RegisterMemory, 8, FS),
    SEGMENT_ROW("LGS16rm", load_far_pointer, RegisterMemory, 2, GS),
    SEGMENT_ROW("LGS32rm", load_far_pointer, RegisterMemory, 4, GS),
    SEGMENT_ROW("LGS64rm", load_far_pointer, RegisterMemory, 8, GS),
    SEGMENT_ROW("LSS16rm", load_far_pointer, RegisterMemory, 2, SS),
    SEGMENT_ROW("LSS32rm", load_far_pointer, RegisterMemory, 4, SS),
    SEGMENT_ROW("LSS64rm", load_far_pointer, RegisterMemory, 8, SS),
    ROW("FARJMP16i", far_jmp, FarPointer, 2),
    ROW("FARJMP32i", far_jmp, FarPointer, 4),
    ROW("FARJMP16m", far_jmp, Memory, 2),
    ROW("FARJMP32m", far_jmp, Memory, 4),
    ROW("FARJMP64m", far_jmp, Memory, 8),
    ROW("FARCALL16i", far_call, FarPointer, 2),
    ROW("FARCALL32i", far_call, FarPointer, 4),
    ROW("FARCALL16m", far_call, Memory, 2),
    ROW("FARCALL32m", far_call, Memory, 4),
    ROW("FARCALL64m", far_call, Memory, 8),
    ROW("LRET16", far_ret, None, 2),
    ROW("LRET32", far_ret, None, 4),
    ROW("LRET64", far_ret, None, 8),
    ROW("LRETI16", far_ret, Immediate, 2),
    ROW("LRETI32", far_ret, Immediate, 4),
    ROW("LRETI64", far_ret, Immediate, 8),
    ROW("LAR16rr", lar, RegisterGpr, 2),
    ROW("LAR32rr", lar, RegisterGpr, 4),
    ROW("LAR64rr", lar, RegisterGpr, 8),
    ROW("LAR16rm", lar, RegisterMemory, 2),
    ROW("LAR32rm", lar, RegisterMemory, 4),
    ROW("LAR64rm", lar, RegisterMemory, 8),
    ROW("LSL16rr", lsl, RegisterGpr, 2),
    ROW("LSL32rr", lsl, RegisterGpr, 4),
    ROW("LSL64rr", lsl, RegisterGpr, 8),
    ROW("LSL16rm", lsl, RegisterMemory, 2),
    ROW("LSL32rm", lsl, RegisterMemory, 4),
    ROW("LSL64rm", lsl, RegisterMemory, 8),
    ROW("VERRr", verr, Gpr, 2),
    ROW("VERRm", verr, Memory, 2),
    ROW("VERWr", verw, Gpr, 2),
    ROW("VERWm", verw, Memory, 2),
    ROW("ARPL16rr", arpl, GprRegister, 2),
    ROW("ARPL16mr", arpl, MemoryRegister, 2),
    ROW("RDMSR", rdmsr, None, 0),
    ROW("WRMSR", wrmsr, None, 0),
    ROW("RDTSC", rdtsc, None, 0),
    ROW("RDTSCP", rdtscp, None, 0),
    ROW("RDPMC", rdpmc, None, 0),
    ROW("CPUID", cpuid, None, 0),
    ROW("INVLPG", invlpg, Memory, 0),
    ROW("INVPCID32", invpcid, RegisterMemory, 4),
    ROW("INVPCID64", invpcid, RegisterMemory, 8),
    ROW("WBINVD", wbinvd, None, 0),
    ROW("INVD", invd, None, 0),
    ROW("IRET16", iret, None, 2),
    ROW("IRET32", iret, None, 4),
    ROW("IRET64", iret, None, 8),
    ROW("SYSRET", sysret, None, 4),
    ROW("SYSRET64", sysret, None, 8),
    ROW("SYSEXIT", sysexit, None, 4),
    ROW("SYSEXIT64", sysexit, None, 8),
    ROW("SWAPGS", swapgs, None, 0),
    ROW("XSETBV", xsetbv, None, 0),
    ROW("XGETBV", xgetbv, None, 0),
    ROW("RDFSBASE", rdfsbase, Gpr, 4),
    ROW("RDFSBASE64", rdfsbase, Gpr, 8),
    ROW("RDGSBASE", rdgsbase, Gpr, 4),
    ROW("RDGSBASE64", rdgsbase, Gpr, 8),
    ROW("WRFSBASE", wrfsbase, Gpr, 4),
    ROW("WRFSBASE64", wrfsbase, Gpr, 8),
    ROW("WRGSBASE", wrgsbase, Gpr, 4),
    ROW("WRGSBASE64", wrgsbase, Gpr, 8),
    ROW("STAC", stac, None, 0),
    ROW("CLAC", clac, None, 0),
    ROW("XSAVES", xsaves, Memory, 4),
    ROW("XSAVES64", xsaves, Memory, 8),
    ROW("XRSTORS", xrstors, Memory, 4),
    ROW("XRSTORS64", xrstors, Memory, 8),
    ROW("INT", int_n, Immediate, 0),
    // Prefixes written as separate statements (`rep; insb`, `cs; lidt (%eax)`): the site
    // starts at the prefix when the sensitive instruction follows it directly.
    PREFIX_ROW("REP_PREFIX", none),
    PREFIX_ROW("REPNE_PREFIX", none),
    PREFIX_ROW("LOCK_PREFIX", none),
    PREFIX_ROW("DATA16_PREFIX", none),
    PREFIX_ROW("ADDR16_PREFIX", none),
    PREFIX_ROW("ADDR32_PREFIX", none),
    PREFIX_ROW("REX64_PREFIX", none),
    PREFIX_ROW("CS_PREFIX", AFTERBURNER_SEG_CS),
    PREFIX_ROW("DS_PREFIX", AFTERBURNER_SEG_DS),
    PREFIX_ROW("ES_PREFIX", AFTERBURNER_SEG_ES),
    PREFIX_ROW("FS_PREFIX", AFTERBURNER_SEG_FS),
    PREFIX_ROW("GS_PREFIX", AFTERBURNER_SEG_GS),
    PREFIX_ROW("SS_PREFIX", AFTERBURNER_SEG_SS),
};
// Stores that `.afterburner_page_table_store` may mark (site_abi.h section 6a): the width
// says which mode each belongs to (8: 64-bit code, 4: 32-bit code).
const std::vector<OpcodeRow> annotatedTable = {
    ROW("MOV64mr", page_table_store, MemoryRegister, 8),
    ROW("MOV32mr", page_table_store, MemoryRegister, 4),
    ROW("MOV32o32a", page_table_store, AccumulatorOffset, 4), // movl %eax, abs in 32-bit code
    ROW("XCHG64rm", page_table_exchange, RegisterTiedMemory, 8),
    ROW("XCHG32rm", page_table_exchange, RegisterTiedMemory, 4),
};
#undef ROW
#undef SEGMENT_ROW
#undef SPECIAL_ROW
#undef PREFIX_ROW

// Control register number -> {read op, write op}; other numbers (%cr1, %cr5...) #UD and
// name no op.
uint16_t controlRegisterOp(unsigned number, bool write) {
  uint16_t read = 0;
  switch (number) {
  case 0:
    read = AFTERBURNER_OP_read_cr0;
    break;
  case 2:
    read = AFTERBURNER_OP_read_cr2;
    break;
  case 3:
    read = AFTERBURNER_OP_read_cr3;
    break;
  case 4:
    read = AFTERBURNER_OP_read_cr4;
    break;
  case 8:
    read = AFTERBURNER_OP_read_cr8;
    break;
  default:
    return 0;
  }
  return write ? read + 1 : read;
}

uint8_t log2Scale(int64_t scale) {
  switch (scale) {
  case 2:
    return 1;
  case 4:
    return 2;
  case 8:
    return 3;
  default:
    return 0;
  }
}

// LLVM's X86 opcode enum is generated sorted: pseudo instructions first, then every real
// instruction in name order. A binary search over the real ones finds a name.
unsigned findOpcode(const llvm::MCInstrInfo &info, const char *name) {
  unsigned count = info.getNumOpcodes();
  unsigned low = 0, high = count;
  while (low < high) { // partition point of isPseudo
    unsigned middle = low + (high - low) / 2;
    if (info.get(middle).isPseudo())
      low = middle + 1;
    else
      high = middle;
  }
  high = count;
  llvm::StringRef wanted(name);
  while (low < high) {
    unsigned middle = low + (high - low) / 2;
    llvm::StringRef candidate = info.getName(middle);
    if (candidate == wanted)
      return middle;
    if (candidate < wanted)
      low = middle + 1;
    else
      high = middle;
  }
  return ~0u;
}

// An immediate operand's value: a literal, or an expression that folds to a constant
// (`outb %al, $PORT` with PORT defined by .set).
uint16_t immediateValue(const llvm::MCOperand &operand) {
  if (operand.isImm())
    return static_cast<uint16_t>(operand.getImm());
  int64_t value = 0;
  if (operand.isExpr() && operand.getExpr()->evaluateAsAbsolute(value))
    return static_cast<uint16_t>(value);
  return 0;
}

unsigned findRegister(const llvm::MCRegisterInfo &info, const char *name) {
  for (unsigned reg = 1; reg < info.getNumRegs(); ++reg)
    if (!std::strcmp(info.getName(reg), name))
      return reg;
  return 0;
}

} // namespace

const std::vector<OpcodeRow> &SensitiveInstructionTable::rows() {
  return table;
}

const std::vector<OpcodeRow> &SensitiveInstructionTable::annotatedRows() {
  return annotatedTable;
}

SensitiveInstructionTable::SensitiveInstructionTable(const llvm::MCInstrInfo &instructionInfo,
                                                     const llvm::MCRegisterInfo &registerInfo)
    : registerInfo(registerInfo), rowByOpcode(instructionInfo.getNumOpcodes(), noRow),
      annotatedByOpcode(instructionInfo.getNumOpcodes(), noRow) {
  auto resolve = [&](const std::vector<OpcodeRow> &rows, std::vector<uint16_t> &byOpcode) {
    for (size_t index = 0; index < rows.size(); ++index) {
      unsigned opcode = findOpcode(instructionInfo, rows[index].OpcodeName);
      if (opcode == ~0u) {
        unresolved.push_back(rows[index].OpcodeName);
        continue;
      }
      byOpcode[opcode] = static_cast<uint16_t>(index);
    }
  };
  resolve(table, rowByOpcode);
  resolve(annotatedTable, annotatedByOpcode);
  ripRegister = findRegister(registerInfo, "RIP");
  eipRegister = findRegister(registerInfo, "EIP");
  ripIndexPseudo = findRegister(registerInfo, "RIZ");
  eipIndexPseudo = findRegister(registerInfo, "EIZ");
}

uint8_t SensitiveInstructionTable::generalRegister(unsigned reg) const {
  if (!reg)
    return none;
  return static_cast<uint8_t>(registerInfo.getEncodingValue(reg) & 0x1f);
}

void SensitiveInstructionTable::readMemory(const llvm::MCInst &instruction, unsigned first,
                                           SensitiveInstruction &result) const {
  // X86 memory operands are five MCOperands: base, scale, index, displacement, segment.
  unsigned base = instruction.getOperand(first).getReg();
  int64_t scale = instruction.getOperand(first + 1).getImm();
  unsigned index = instruction.getOperand(first + 2).getReg();
  const llvm::MCOperand &displacement = instruction.getOperand(first + 3);
  result.RipRelative = base && (base == ripRegister || base == eipRegister);
  result.OperandForm =
      result.RipRelative ? AFTERBURNER_OPERAND_MEMORY_SELF_RELATIVE : AFTERBURNER_OPERAND_MEMORY;
  result.Base = result.RipRelative ? none : generalRegister(base);
  bool noIndex = !index || index == ripIndexPseudo || index == eipIndexPseudo;
  result.Index = noIndex ? none : generalRegister(index);
  result.Scale = noIndex ? 0 : log2Scale(scale);
  if (displacement.isImm())
    result.Displacement = static_cast<int32_t>(displacement.getImm());
  else if (displacement.isExpr())
    result.DisplacementExpression = displacement.getExpr();
}

SensitiveInstruction SensitiveInstructionTable::classify(const llvm::MCInst &instruction,
                                                         const OpcodeRow &row) const {
  SensitiveInstruction result;
  result.Op = row.Op;
  result.OperandWidth = row.Width;
  auto registerOperand = [&](unsigned index) { return instruction.getOperand(index).getReg(); };
  auto encoding = [&](unsigned index) {
    return static_cast<uint8_t>(registerInfo.getEncodingValue(registerOperand(index)) & 0x1f);
  };
  auto setGpr = [&](unsigned index) {
    result.OperandForm = AFTERBURNER_OPERAND_GPR;
    result.Base = generalRegister(registerOperand(index));
  };
  switch (row.Shape) {
  case S::None:
  case S::Prefix:
    break;
  case S::Immediate:
    result.OperandForm = AFTERBURNER_OPERAND_IMMEDIATE;
    result.Immediate = immediateValue(instruction.getOperand(0));
    break;
  case S::Gpr:
    setGpr(0);
    break;
  case S::Memory:
    readMemory(instruction, 0, result);
    break;
  case S::ReadControl:
    result.Op = controlRegisterOp(encoding(1), false);
    result.Special = encoding(1);
    setGpr(0);
    break;
  case S::WriteControl:
    result.Op = controlRegisterOp(encoding(0), true);
    result.Special = encoding(0);
    setGpr(1);
    break;
  case S::ReadDebug:
    result.Special = encoding(1);
    setGpr(0);
    break;
  case S::WriteDebug:
    result.Special = encoding(0);
    setGpr(1);
    break;
  case S::WriteSegmentGpr:
    result.Special = encoding(0);
    setGpr(1);
    break;
  case S::WriteSegmentMemory:
    result.Special = encoding(0);
    readMemory(instruction, 1, result);
    break;
  case S::ReadSegmentGpr:
    result.Special = encoding(1);
    setGpr(0);
    break;
  case S::ReadSegmentMemory:
    result.Special = encoding(5);
    readMemory(instruction, 0, result);
    break;
  case S::FixedSegment:
    result.Special = row.Segment;
    break;
  case S::RegisterMemory:
    result.Special = row.Segment;
    result.Reg = generalRegister(registerOperand(0));
    readMemory(instruction, 1, result);
    break;
  case S::RegisterGpr:
    result.Reg = generalRegister(registerOperand(0));
    setGpr(1);
    break;
  case S::GprRegister:
    result.Reg = generalRegister(registerOperand(1));
    setGpr(0);
    break;
  case S::MemoryRegister:
    result.Reg = generalRegister(registerOperand(5));
    readMemory(instruction, 0, result);
    break;
  case S::FarPointer: {
    result.OperandForm = AFTERBURNER_OPERAND_FAR_POINTER;
    const llvm::MCOperand &offset = instruction.getOperand(0);
    const llvm::MCOperand &selector = instruction.getOperand(1);
    if (offset.isImm())
      result.Displacement = static_cast<int32_t>(offset.getImm());
    else if (offset.isExpr())
      result.DisplacementExpression = offset.getExpr();
    result.Immediate = immediateValue(selector);
    break;
  }
  case S::RegisterTiedMemory:
    result.Reg = generalRegister(registerOperand(0));
    readMemory(instruction, 2, result);
    break;
  case S::AccumulatorOffset: {
    result.Reg = AFTERBURNER_REG_RAX;
    result.OperandForm = AFTERBURNER_OPERAND_MEMORY;
    const llvm::MCOperand &offset = instruction.getOperand(0);
    if (offset.isImm())
      result.Displacement = static_cast<int32_t>(offset.getImm());
    else if (offset.isExpr())
      result.DisplacementExpression = offset.getExpr();
    break;
  }
  }
  return result;
}

} // namespace afterburner
