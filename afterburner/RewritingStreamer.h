// RewritingStreamer.h: the ELF object streamer that turns every sensitive instruction into
// a site. Sites are made here, where instructions reach the streamer after macro expansion,
// so .macro, .rept, .irp and ALTERNATIVE strings are all covered.
#pragma once

#include "afterburner/SensitiveInstruction.h"
#include "afterburner/SiteNoteWriter.h"

#include "llvm/MC/MCELFStreamer.h"
#include <unordered_map>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class MCDisassembler;
}

namespace afterburner {

// Makes a disassembler for a CPU mode (16, 32, 64); used for instructions written as
// `.byte` data.
using DisassemblerFactory = std::function<std::unique_ptr<llvm::MCDisassembler>(unsigned mode)>;

class RewritingStreamer : public llvm::MCELFStreamer {
public:
  RewritingStreamer(llvm::MCContext &context, std::unique_ptr<llvm::MCAsmBackend> backend,
                    std::unique_ptr<llvm::MCObjectWriter> writer,
                    std::unique_ptr<llvm::MCCodeEmitter> emitter,
                    const SensitiveInstructionTable &table, const llvm::MCSubtargetInfo &subtarget,
                    bool sitesEnabled, std::vector<std::string> nativeSections);

  ~RewritingStreamer() override;
  void emitInstruction(const llvm::MCInst &instruction,
                       const llvm::MCSubtargetInfo &subtarget) override;
  void emitAssemblerFlag(llvm::MCAssemblerFlag flag) override;

  // A `.byte` directive whose constant bytes encode exactly one sensitive instruction
  // (how Linux spells stac/clac, xsaves, monitor for old assemblers) becomes a site.
  // Returns false, emitting nothing, when the bytes are not such an instruction.
  bool tryEmitEncodedSite(llvm::ArrayRef<uint8_t> bytes);
  void setDisassemblerFactory(DisassemblerFactory factory) {
    makeDisassembler = std::move(factory);
  }
  void changeSection(llvm::MCSection *section, uint32_t subsection) override;
  // Writes .note.afterburner and finishes the object; call once the input is consumed.
  void finishObject();
  void emitValueImpl(const llvm::MCExpr *value, unsigned size, llvm::SMLoc location) override;
  using MCELFStreamer::emitFill;
  void emitBytes(llvm::StringRef data) override;
  void emitFill(const llvm::MCExpr &bytes, uint64_t value, llvm::SMLoc location) override;

  // .afterburner_off / .afterburner_on; without effect under --no-sites.
  void setRegionEnabled(bool enabled) { regionEnabled = enabled; }
  // `.afterburner_page_table_store` at location: the next instruction must be a store of a
  // page-table entry and becomes an annotated site (site_abi.h section 6a). Data, a section
  // change or the end of the input before that instruction is an error.
  void annotateNextInstruction(llvm::SMLoc location);
  // After the last statement: reports an annotation no instruction followed.
  void endOfInput();
  // Instructions emitted so far into the current section (for GNU .loc view numbers).
  uint64_t instructionsInCurrentSection() const { return currentCount ? *currentCount : 0; }
  const std::vector<SiteRecord> &sites() const { return records; }
  // Sections holding both sites and an `.org`: where padding can break a fixed layout.
  const std::vector<std::string> &layoutConstrainedSections() const { return constrained; }

  // For SiteNoteWriter: a 4-byte field with an absolute, sign-extended relocation
  // (R_X86_64_32S) in 64-bit code of an x86-64 object, else a plain 4-byte value.
  void emitAbsoluteDisplacement(const llvm::MCExpr *value, bool signExtended);
  bool isX86_64Object() const { return x86_64Object; }

private:
  struct PendingPrefix {
    llvm::MCSymbol *Start = nullptr;
    llvm::MCFragment *Fragment = nullptr;
    size_t End = 0;
    std::string Bytes;
  };

  unsigned modeOf(const llvm::MCSubtargetInfo &subtarget) const;
  void emitAnnotatedInstruction(const llvm::MCInst &instruction,
                                const llvm::MCSubtargetInfo &subtarget);
  void rejectPendingAnnotation(const char *why);
  void emitPrefix(const llvm::MCInst &instruction, const llvm::MCSubtargetInfo &subtarget);
  void emitSite(const llvm::MCInst &instruction, const llvm::MCSubtargetInfo &subtarget,
                const SensitiveInstruction &fields);
  bool prefixAdjoins(llvm::MCFragment *fragment, size_t offset) const;
  void recordSite(llvm::MCSymbol *start, const std::string &bytes,
                  const SensitiveInstruction &fields, unsigned mode);
  bool sitesAllowedHere() const { return sitesEnabled && regionEnabled && sectionEnabled; }
  uint64_t sectionSize(const llvm::MCSection *section) const;

  const SensitiveInstructionTable &table;
  bool sitesEnabled;
  bool regionEnabled = true;
  bool sectionEnabled = true; // the current section is not one of nativeSections
  std::vector<std::string> nativeSections;
  std::vector<std::string> constrained;
  bool x86_64Object;
  unsigned mode16Bit = ~0u, mode32Bit = ~0u;
  PendingPrefix prefix;
  std::optional<llvm::SMLoc> pendingAnnotation; // where the unconsumed directive was
  std::vector<SiteRecord> records;
  // Node-based: currentCount stays valid when other sections are added.
  std::unordered_map<const llvm::MCSection *, uint64_t> instructionCounts;
  uint64_t *currentCount = nullptr;
  // Bytes the source itself put into .debug_line_str (GCC's DWARF 5 strings). LLVM appends
  // its line-table strings after them but computes their offsets from the section start;
  // references are shifted by this amount while the object is finished.
  uint64_t lineStringBase = 0;
  unsigned flagMode = 64; // the mode of .code16/.code32/.code64, for .byte instructions
  DisassemblerFactory makeDisassembler;
  std::unique_ptr<llvm::MCDisassembler> disassemblers[3]; // 16, 32, 64
};

} // namespace afterburner
