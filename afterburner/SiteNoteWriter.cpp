// SiteNoteWriter.cpp: the .note.afterburner writer.
#include "afterburner/SiteNoteWriter.h"

#include "afterburner/RewritingStreamer.h"
#include "afterburner/site_abi.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCSectionELF.h"
#include "llvm/MC/MCSymbolELF.h"

#include <vector>

namespace afterburner {
namespace {

const llvm::MCExpr *reference(llvm::MCSymbol *symbol, llvm::MCContext &context) {
  return llvm::MCSymbolRefExpr::create(symbol, context);
}

// The section a group's records go to: .note.afterburner, in the same group as the code
// (site_abi.h section 2), so a discarded COMDAT group takes its records along.
llvm::MCSection *noteSectionFor(const llvm::MCSectionELF *code, llvm::MCContext &context) {
  const llvm::MCSymbolELF *group = code ? code->getGroup() : nullptr;
  if (!group)
    return context.getELFSection(AFTERBURNER_NOTE_SECTION, llvm::ELF::SHT_NOTE,
                                 llvm::ELF::SHF_ALLOC);
  return context.getELFSection(AFTERBURNER_NOTE_SECTION, llvm::ELF::SHT_NOTE,
                               llvm::ELF::SHF_ALLOC | llvm::ELF::SHF_GROUP, 0, group->getName(),
                               code->isComdat());
}

} // namespace

void SiteNoteWriter::write(llvm::ArrayRef<SiteRecord> records) {
  // Group records by section group, in order of first appearance (deterministic output).
  std::vector<const llvm::MCSymbolELF *> groups;
  std::vector<std::vector<const SiteRecord *>> members;
  std::vector<const llvm::MCSectionELF *> representative;
  for (const SiteRecord &record : records) {
    const llvm::MCSymbolELF *group = record.Section->getGroup();
    size_t index = 0;
    while (index < groups.size() && groups[index] != group)
      ++index;
    if (index == groups.size()) {
      groups.push_back(group);
      members.emplace_back();
      representative.push_back(record.Section);
    }
    members[index].push_back(&record);
  }
  for (size_t index = 0; index < groups.size(); ++index)
    writeNote(representative[index], members[index]);
}

void SiteNoteWriter::writeNote(const llvm::MCSectionELF *groupSection,
                               llvm::ArrayRef<const SiteRecord *> records) {
  llvm::MCContext &context = streamer.getContext();
  streamer.switchSection(noteSectionFor(groupSection, context));
  streamer.emitValueToAlignment(llvm::Align(4), 0, 1, 0);
  streamer.emitInt32(AFTERBURNER_NOTE_NAME_SIZE);
  streamer.emitInt32(AFTERBURNER_SITE_RECORD_SIZE * records.size());
  streamer.emitInt32(AFTERBURNER_NOTE_TYPE_SITES);
  streamer.emitBytes(llvm::StringRef(AFTERBURNER_NOTE_NAME, AFTERBURNER_NOTE_NAME_SIZE));
  for (const SiteRecord *record : records)
    writeRecord(*record);
}

void SiteNoteWriter::writeRecord(const SiteRecord &record) {
  llvm::MCContext &context = streamer.getContext();
  const SensitiveInstruction &fields = record.Fields;
  llvm::MCSymbol *field = context.createTempSymbol();
  streamer.emitLabel(field);
  // site_offset: self-relative, so the table needs no run-time relocation.
  streamer.emitValue(llvm::MCBinaryExpr::createSub(reference(record.Start, context),
                                                   reference(field, context), context),
                     4);
  streamer.emitInt16(fields.Op);
  streamer.emitInt8(record.SiteLength);
  streamer.emitInt8(record.InstructionLength);
  streamer.emitInt8(record.Mode);
  streamer.emitInt8(record.Flags);
  streamer.emitInt8(fields.OperandForm);
  streamer.emitInt8(fields.OperandWidth);
  streamer.emitInt8(fields.Reg);
  streamer.emitInt8(fields.Special);
  streamer.emitInt8(fields.Base);
  streamer.emitInt8(fields.Index);
  streamer.emitInt8(fields.Scale);
  streamer.emitInt8(record.Segment);
  streamer.emitInt16(fields.Immediate);
  writeDisplacement(record);
}

void SiteNoteWriter::writeDisplacement(const SiteRecord &record) {
  llvm::MCContext &context = streamer.getContext();
  const SensitiveInstruction &fields = record.Fields;
  if (fields.RipRelative) {
    // MEMORY_SELF_RELATIVE: effective address = &displacement + displacement. A RIP-relative
    // operand's address is its expression, or the instruction's end plus the constant.
    const llvm::MCExpr *address = fields.DisplacementExpression;
    if (!address)
      address = llvm::MCBinaryExpr::createAdd(
          reference(record.Start, context),
          llvm::MCConstantExpr::create(record.InstructionLength + int64_t(fields.Displacement),
                                       context),
          context);
    llvm::MCSymbol *field = context.createTempSymbol();
    streamer.emitLabel(field);
    streamer.emitValue(llvm::MCBinaryExpr::createSub(address, reference(field, context), context),
                       4);
    return;
  }
  if (!fields.DisplacementExpression) {
    streamer.emitInt32(static_cast<uint32_t>(fields.Displacement));
    return;
  }
  // A symbolic absolute displacement keeps its relocation; 64-bit code sign-extends disp32.
  bool memory = fields.OperandForm == AFTERBURNER_OPERAND_MEMORY;
  streamer.emitAbsoluteDisplacement(fields.DisplacementExpression,
                                    memory && record.Mode == 64 && streamer.isX86_64Object());
}

} // namespace afterburner
