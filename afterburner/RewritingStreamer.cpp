// RewritingStreamer.cpp: site creation at the streamer.
#include "afterburner/RewritingStreamer.h"

#include "afterburner/SiteRewriter.h"
#include "afterburner/site_abi.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/MC/MCAsmBackend.h"
#include "llvm/MC/MCCodeEmitter.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCFixup.h"
#include "llvm/MC/MCFragment.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCObjectFileInfo.h"
#include "llvm/MC/MCObjectWriter.h"
#include "llvm/MC/MCSectionELF.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>

namespace afterburner {
namespace {

unsigned featureBit(const llvm::MCSubtargetInfo &subtarget, llvm::StringRef name) {
  for (const llvm::SubtargetFeatureKV &feature : subtarget.getAllProcessorFeatures())
    if (name == feature.Key)
      return feature.Value;
  return ~0u;
}

} // namespace

RewritingStreamer::RewritingStreamer(llvm::MCContext &context,
                                     std::unique_ptr<llvm::MCAsmBackend> backend,
                                     std::unique_ptr<llvm::MCObjectWriter> writer,
                                     std::unique_ptr<llvm::MCCodeEmitter> emitter,
                                     const SensitiveInstructionTable &table,
                                     const llvm::MCSubtargetInfo &subtarget, bool sitesEnabled,
                                     std::vector<std::string> nativeSections)
    : MCELFStreamer(context, std::move(backend), std::move(writer), std::move(emitter)),
      table(table), sitesEnabled(sitesEnabled), nativeSections(std::move(nativeSections)) {
  const llvm::Triple &triple = context.getTargetTriple();
  x86_64Object =
      triple.getArch() == llvm::Triple::x86_64 && triple.getEnvironment() != llvm::Triple::GNUX32;
  mode16Bit = featureBit(subtarget, "16bit-mode");
  mode32Bit = featureBit(subtarget, "32bit-mode");
  flagMode = modeOf(subtarget);
}

RewritingStreamer::~RewritingStreamer() = default;

void RewritingStreamer::emitAssemblerFlag(llvm::MCAssemblerFlag flag) {
  if (flag == llvm::MCAF_Code16)
    flagMode = 16;
  else if (flag == llvm::MCAF_Code32)
    flagMode = 32;
  else if (flag == llvm::MCAF_Code64)
    flagMode = 64;
  MCELFStreamer::emitAssemblerFlag(flag);
}

bool RewritingStreamer::tryEmitEncodedSite(llvm::ArrayRef<uint8_t> bytes) {
  // One whole instruction of at least two bytes: a lone data byte in code is too likely
  // to be data to be read as an instruction.
  if (!sitesAllowedHere() || !makeDisassembler || bytes.size() < 2 || bytes.size() > 15)
    return false;
  auto *section = llvm::dyn_cast<llvm::MCSectionELF>(getCurrentSectionOnly());
  if (!section || !(section->getFlags() & llvm::ELF::SHF_EXECINSTR))
    return false;
  unsigned slot = flagMode == 16 ? 0 : flagMode == 32 ? 1 : 2;
  if (!disassemblers[slot])
    disassemblers[slot] = makeDisassembler(flagMode);
  if (!disassemblers[slot])
    return false;
  llvm::MCInst instruction;
  uint64_t size = 0;
  auto status = disassemblers[slot]->getInstruction(instruction, size, bytes, 0, llvm::nulls());
  if (status != llvm::MCDisassembler::Success || size != bytes.size())
    return false;
  const OpcodeRow *row = table.lookup(instruction.getOpcode());
  if (!row || row->Shape == OperandShape::Prefix)
    return false;
  SensitiveInstruction fields = table.classify(instruction, *row);
  if (!fields.Op || !opExistsInMode(fields.Op, flagMode))
    return false;
  llvm::MCSymbol *start = getContext().createTempSymbol();
  emitLabel(start);
  std::string text(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  emitBytes(text);
  prefix = PendingPrefix();
  recordSite(start, text, fields, flagMode);
  return true;
}

unsigned RewritingStreamer::modeOf(const llvm::MCSubtargetInfo &subtarget) const {
  const llvm::FeatureBitset &bits = subtarget.getFeatureBits();
  if (mode16Bit != ~0u && bits.test(mode16Bit))
    return 16;
  if (mode32Bit != ~0u && bits.test(mode32Bit))
    return 32;
  return 64;
}

void RewritingStreamer::annotateNextInstruction(llvm::SMLoc location) {
  if (pendingAnnotation)
    rejectPendingAnnotation("is followed by another one, not by an instruction");
  pendingAnnotation = location;
}

void RewritingStreamer::endOfInput() {
  if (pendingAnnotation)
    rejectPendingAnnotation("is not followed by an instruction (end of input)");
}

void RewritingStreamer::rejectPendingAnnotation(const char *why) {
  getContext().reportError(*pendingAnnotation, std::string(".afterburner_page_table_store ") + why);
  pendingAnnotation.reset();
}

// The store must have the width of an entry in the mode: 8 bytes in 64-bit code, 4 in
// 32-bit code (non-PAE paging); 16-bit code has no paging to annotate.
static bool annotationFitsMode(const OpcodeRow &row, unsigned mode) {
  return (mode == 64 && row.Width == 8) || (mode == 32 && row.Width == 4);
}

void RewritingStreamer::emitAnnotatedInstruction(const llvm::MCInst &instruction,
                                                 const llvm::MCSubtargetInfo &subtarget) {
  pendingAnnotation.reset();
  if (currentCount)
    ++*currentCount;
  unsigned mode = modeOf(subtarget);
  const OpcodeRow *row = table.lookupAnnotated(instruction.getOpcode());
  if (!row || !annotationFitsMode(*row, mode)) {
    getContext().reportError(
        instruction.getLoc(),
        "instruction after .afterburner_page_table_store is not a store of a page-table entry "
        "from a register (movq %reg, mem or xchgq %reg, mem in 64-bit code; movl or xchgl in "
        "32-bit code)");
    MCELFStreamer::emitInstruction(instruction, subtarget);
    return;
  }
  // Checked the same way in a native region, which keeps the store plain.
  if (!sitesAllowedHere()) {
    prefix.Start = nullptr;
    MCELFStreamer::emitInstruction(instruction, subtarget);
    return;
  }
  emitSite(instruction, subtarget, table.classify(instruction, *row));
}

void RewritingStreamer::emitBytes(llvm::StringRef data) {
  if (pendingAnnotation)
    rejectPendingAnnotation("is followed by data, not by an instruction");
  MCELFStreamer::emitBytes(data);
}

void RewritingStreamer::emitFill(const llvm::MCExpr &bytes, uint64_t value, llvm::SMLoc location) {
  if (pendingAnnotation)
    rejectPendingAnnotation("is followed by data, not by an instruction");
  MCELFStreamer::emitFill(bytes, value, location);
}

void RewritingStreamer::changeSection(llvm::MCSection *section, uint32_t subsection) {
  if (pendingAnnotation)
    rejectPendingAnnotation("is not followed by an instruction in its section");
  MCELFStreamer::changeSection(section, subsection);
  currentCount = &instructionCounts[section];
  prefix = PendingPrefix();
  sectionEnabled = true;
  if (!nativeSections.empty())
    for (const std::string &name : nativeSections)
      if (llvm::cast<llvm::MCSectionELF>(section)->getName() == name)
        sectionEnabled = false;
}

void RewritingStreamer::emitInstruction(const llvm::MCInst &instruction,
                                        const llvm::MCSubtargetInfo &subtarget) {
  if (pendingAnnotation) {
    emitAnnotatedInstruction(instruction, subtarget);
    return;
  }
  if (currentCount)
    ++*currentCount;
  bool enabled = sitesEnabled && regionEnabled && sectionEnabled;
  const OpcodeRow *row = enabled ? table.lookup(instruction.getOpcode()) : nullptr;
  if (!row) {
    prefix.Start = nullptr;
    MCELFStreamer::emitInstruction(instruction, subtarget);
    return;
  }
  if (row->Shape == OperandShape::Prefix) {
    emitPrefix(instruction, subtarget);
    return;
  }
  SensitiveInstruction fields = table.classify(instruction, *row);
  if (!fields.Op || !opExistsInMode(fields.Op, modeOf(subtarget))) {
    prefix.Start = nullptr;
    MCELFStreamer::emitInstruction(instruction, subtarget);
    return;
  }
  emitSite(instruction, subtarget, fields);
}

bool RewritingStreamer::prefixAdjoins(llvm::MCFragment *fragment, size_t offset) const {
  return prefix.Start && prefix.Fragment == fragment && prefix.End == offset;
}

// Position of the end of the current data fragment, or {fragment, 0} for another kind.
static std::pair<llvm::MCFragment *, size_t> currentPosition(llvm::MCFragment *fragment) {
  if (auto *data = llvm::dyn_cast_or_null<llvm::MCDataFragment>(fragment))
    return {fragment, data->getContents().size()};
  return {fragment, 0};
}

void RewritingStreamer::emitPrefix(const llvm::MCInst &instruction,
                                   const llvm::MCSubtargetInfo &subtarget) {
  llvm::MCSymbol *start = getContext().createTempSymbol();
  emitLabel(start);
  auto [before, beforeSize] = currentPosition(getCurrentFragment());
  MCELFStreamer::emitInstruction(instruction, subtarget);
  auto *data = llvm::dyn_cast_or_null<llvm::MCDataFragment>(getCurrentFragment());
  prefix = PendingPrefix();
  if (!data)
    return;
  size_t begin = data == before ? beforeSize : 0;
  prefix.Start = start;
  prefix.Fragment = data;
  prefix.End = data->getContents().size();
  prefix.Bytes.assign(data->getContents().begin() + begin, data->getContents().end());
}

void RewritingStreamer::emitSite(const llvm::MCInst &instruction,
                                 const llvm::MCSubtargetInfo &subtarget,
                                 const SensitiveInstruction &fields) {
  auto [before, beforeSize] = currentPosition(getCurrentFragment());
  bool withPrefix = prefixAdjoins(before, beforeSize);
  llvm::MCSymbol *start = withPrefix ? prefix.Start : getContext().createTempSymbol();
  if (!withPrefix) {
    emitLabel(start);
    std::tie(before, beforeSize) = currentPosition(getCurrentFragment());
  }
  MCELFStreamer::emitInstruction(instruction, subtarget);

  // A site is never relaxed: its instruction must have gone into a data fragment as
  // plain bytes, so that the padding below follows it directly.
  auto *data = llvm::dyn_cast_or_null<llvm::MCDataFragment>(getCurrentFragment());
  if (!data) {
    getContext().reportError(instruction.getLoc(),
                             "sensitive instruction would be relaxed; cannot make a site");
    return;
  }
  size_t begin = data == before ? beforeSize : 0;
  std::string bytes = withPrefix ? prefix.Bytes : std::string();
  bytes.append(data->getContents().begin() + begin, data->getContents().end());
  prefix = PendingPrefix();
  recordSite(start, bytes, fields, modeOf(subtarget));
}

void RewritingStreamer::recordSite(llvm::MCSymbol *start, const std::string &bytes,
                                   const SensitiveInstruction &fields, unsigned mode) {
  SiteRecord record;
  record.Start = start;
  record.Section = llvm::cast<llvm::MCSectionELF>(getCurrentSectionOnly());
  record.Fields = fields;
  record.InstructionLength = static_cast<uint8_t>(bytes.size());
  record.SiteLength = static_cast<uint8_t>(siteLength(fields.Op, bytes.size()));
  record.Mode = static_cast<uint8_t>(mode);
  record.Flags = sectionFlags(record.Section->getName());
  LegacyPrefixes prefixes = scanLegacyPrefixes(llvm::ArrayRef<char>(bytes.data(), bytes.size()));
  record.Segment = prefixes.Segment;
  bool stringOp = fields.Op == AFTERBURNER_OP_ins || fields.Op == AFTERBURNER_OP_outs;
  if (stringOp && prefixes.Repeat)
    record.Flags |= AFTERBURNER_SITE_FLAG_REP;

  std::string padding;
  appendCanonicalPadding(padding, record.SiteLength - record.InstructionLength, mode);
  if (!padding.empty())
    emitBytes(padding);
  records.push_back(record);
}

void RewritingStreamer::emitAbsoluteDisplacement(const llvm::MCExpr *value, bool signExtended) {
  if (!signExtended) {
    emitValue(value, 4);
    return;
  }
  llvm::MCDataFragment *data = getOrCreateDataFragment();
  auto kind =
      static_cast<llvm::MCFixupKind>(llvm::FirstLiteralRelocationKind + llvm::ELF::R_X86_64_32S);
  data->getFixups().push_back(llvm::MCFixup::create(data->getContents().size(), value, kind));
  data->getContents().resize(data->getContents().size() + 4);
}

uint64_t RewritingStreamer::sectionSize(const llvm::MCSection *section) const {
  uint64_t size = 0;
  for (const llvm::MCFragment &fragment : *section)
    if (const auto *data = llvm::dyn_cast<llvm::MCDataFragment>(&fragment))
      size += data->getContents().size();
  return size;
}

void RewritingStreamer::finishObject() {
  // Each section with sites is scanned once for an `.org` (see layoutConstrainedSections).
  std::vector<const llvm::MCSection *> scanned;
  for (const SiteRecord &record : records) {
    if (std::find(scanned.begin(), scanned.end(), record.Section) != scanned.end())
      continue;
    scanned.push_back(record.Section);
    for (const llvm::MCFragment &fragment : *record.Section)
      if (fragment.getKind() == llvm::MCFragment::FT_Org) {
        constrained.push_back(record.Section->getName().str());
        break;
      }
  }
  if (!records.empty())
    SiteNoteWriter(*this).write(records);
  llvm::MCSection *lineStrings = getContext().getObjectFileInfo()->getDwarfLineStrSection();
  if (lineStrings && lineStrings->curFragList() && getContext().getDwarfVersion() >= 5)
    lineStringBase = sectionSize(lineStrings);
  finish();
  lineStringBase = 0;
}

void RewritingStreamer::emitValueImpl(const llvm::MCExpr *value, unsigned size,
                                      llvm::SMLoc location) {
  if (pendingAnnotation)
    rejectPendingAnnotation("is followed by data, not by an instruction");
  if (lineStringBase) // a line-table string reference: section start + offset
    if (const auto *sum = llvm::dyn_cast<llvm::MCBinaryExpr>(value))
      if (const auto *start = llvm::dyn_cast<llvm::MCSymbolRefExpr>(sum->getLHS()))
        if (const auto *offset = llvm::dyn_cast<llvm::MCConstantExpr>(sum->getRHS()))
          if (sum->getOpcode() == llvm::MCBinaryExpr::Add &&
              &start->getSymbol() ==
                  getContext().getObjectFileInfo()->getDwarfLineStrSection()->getBeginSymbol())
            value = llvm::MCBinaryExpr::createAdd(
                start,
                llvm::MCConstantExpr::create(offset->getValue() + lineStringBase, getContext()),
                getContext());
  MCELFStreamer::emitValueImpl(value, size, location);
}

} // namespace afterburner
