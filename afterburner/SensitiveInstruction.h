// SensitiveInstruction.h: classifies an MCInst (by its X86:: opcode) as one of the ops of
// site_abi.h and reads its operand fields. One table, no side effects.
#pragma once

#include <cstdint>
#include <vector>

namespace llvm {
class MCExpr;
class MCInst;
class MCInstrInfo;
class MCRegisterInfo;
} // namespace llvm

namespace afterburner {

// How the MCInst operands of one opcode map onto the record's operand fields.
enum class OperandShape : uint8_t {
  None,               // implicit operands only
  Immediate,          // op0 = immediate (in/out imm8, int n, lret n)
  Gpr,                // op0 = general register
  Memory,             // op0..4 = memory
  ReadControl,        // op0 = GPR, op1 = control register (op chosen by the CR number)
  WriteControl,       // op0 = control register, op1 = GPR
  ReadDebug,          // op0 = GPR, op1 = debug register
  WriteDebug,         // op0 = debug register, op1 = GPR
  WriteSegmentGpr,    // op0 = segment register, op1 = GPR
  WriteSegmentMemory, // op0 = segment register, op1..5 = memory
  ReadSegmentGpr,     // op0 = GPR, op1 = segment register
  ReadSegmentMemory,  // op0..4 = memory, op5 = segment register
  FixedSegment,       // push/pop %sreg: the segment comes from the table row
  RegisterMemory,     // op0 = reg field, op1..5 = memory (lar/lsl/lds/invpcid)
  RegisterGpr,        // op0 = reg field, op1 = GPR (lar/lsl register forms)
  GprRegister,        // op0 = GPR, op1 = reg field (arpl register form)
  MemoryRegister,     // op0..4 = memory, op5 = reg field (arpl memory form)
  FarPointer,         // op0 = offset, op1 = selector (ljmp/lcall $sel, $off)
  RegisterTiedMemory, // op0 = reg field, op1 = the same (tied), op2..6 = memory (xchg)
  AccumulatorOffset,  // op0 = absolute offset, op1 = segment; reg is %eax (mov %eax, moffs)
  Prefix,             // a prefix written as its own statement (`rep; insb`, `cs; lidt`)
};

// The operand fields of one classified instruction (site_abi.h section 4), before the
// assembler knows lengths, prefixes and addresses.
struct SensitiveInstruction {
  uint16_t Op = 0;
  uint8_t OperandForm = 0;
  uint8_t OperandWidth = 0;
  uint8_t Reg = 0xff;
  uint8_t Special = 0xff;
  uint8_t Base = 0xff;
  uint8_t Index = 0xff;
  uint8_t Scale = 0;
  uint16_t Immediate = 0;
  int32_t Displacement = 0;
  // A symbolic displacement (memory) or far-pointer offset; null when constant.
  const llvm::MCExpr *DisplacementExpression = nullptr;
  // The memory operand is RIP/EIP-relative: the record stores it MEMORY_SELF_RELATIVE.
  bool RipRelative = false;
};

// One row of the classification table.
struct OpcodeRow {
  const char *OpcodeName; // LLVM's X86:: opcode name, e.g. "MOV64rc"
  uint16_t Op;            // AFTERBURNER_OP_*; 0 for prefixes and control registers
  OperandShape Shape;
  uint8_t Width;   // operand_width; 0 when not meaningful
  uint8_t Segment; // FixedSegment and load_far_pointer: the segment register
};

// The opcode -> row table, resolved once against the target's opcode names.
class SensitiveInstructionTable {
public:
  SensitiveInstructionTable(const llvm::MCInstrInfo &instructionInfo,
                            const llvm::MCRegisterInfo &registerInfo);

  // The row for an opcode, or null when the instruction is not sensitive.
  const OpcodeRow *lookup(unsigned opcode) const {
    if (opcode >= rowByOpcode.size() || rowByOpcode[opcode] == noRow)
      return nullptr;
    return &rows()[rowByOpcode[opcode]];
  }

  // The row of an instruction that may follow `.afterburner_page_table_store` (an
  // annotated site, site_abi.h section 6a), or null. These are ordinary stores: lookup()
  // never returns them.
  const OpcodeRow *lookupAnnotated(unsigned opcode) const {
    if (opcode >= annotatedByOpcode.size() || annotatedByOpcode[opcode] == noRow)
      return nullptr;
    return &annotatedRows()[annotatedByOpcode[opcode]];
  }

  // Classifies an instruction whose row is known. Returns Op 0 for instructions that
  // look sensitive but name no op (e.g. mov to %cr5).
  SensitiveInstruction classify(const llvm::MCInst &instruction, const OpcodeRow &row) const;

  // Every row of the table, and names that did not resolve (a test checks it is empty).
  static const std::vector<OpcodeRow> &rows();
  static const std::vector<OpcodeRow> &annotatedRows();
  const std::vector<const char *> &unresolvedNames() const { return unresolved; }

private:
  static constexpr uint16_t noRow = 0xffff;
  uint8_t generalRegister(unsigned reg) const;
  void readMemory(const llvm::MCInst &instruction, unsigned first,
                  SensitiveInstruction &result) const;

  const llvm::MCRegisterInfo &registerInfo;
  std::vector<uint16_t> rowByOpcode;
  std::vector<uint16_t> annotatedByOpcode;
  std::vector<const char *> unresolved;
  unsigned ripRegister = 0;
  unsigned eipRegister = 0;
  unsigned ripIndexPseudo = 0; // %riz / %eiz: "no index" spelled explicitly
  unsigned eipIndexPseudo = 0;
};

} // namespace afterburner
