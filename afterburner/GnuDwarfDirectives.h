// GnuDwarfDirectives.h: GNU as's `.file` and `.loc` as GCC emits them, parsed by
// afterburner-as itself because LLVM MC rejects two GCC habits:
//  - DWARF 5 `.file 0 "dir" "a.c"` followed by `.file 1 "a.c"`: LLVM folds file 1 into the
//    root file and then reports "unassigned file number" for `.loc 1` (LLVM issue 72027).
//    Here file 1 is entered into the line table as its own entry.
//  - `.loc ... view .LVUn` location views: each `.LVUn` is defined as the view number GNU
//    as assigns (0 when code was emitted since the section's previous .loc, else the
//    previous view + 1; `view -0` resets), so .debug_loclists can refer to it.
#pragma once

#include "llvm/MC/MCParser/MCAsmParserExtension.h"
#include "llvm/Support/MD5.h"

#include <optional>

#include <deque>
#include <string>
#include <unordered_map>

namespace llvm {
class MCSection;
class MCSymbol;
} // namespace llvm

namespace afterburner {

class AfterburnerDirectives;
class RewritingStreamer;

class GnuDwarfDirectives : public llvm::MCAsmParserExtension {
public:
  explicit GnuDwarfDirectives(RewritingStreamer &streamer) : streamer(streamer) {}
  void Initialize(llvm::MCAsmParser &parser) override;
  // Where a `.loc` read from plain text hands over (see AfterburnerDirectives).
  void setPlainStatements(AfterburnerDirectives *directives) { plainStatements = directives; }
  // A `.loc` with these operand texts, emitted when they are plain; else false.
  bool emitPlainLoc(llvm::StringRef operands);

private:
  bool parseFile(llvm::StringRef directive, llvm::SMLoc location);
  bool parseLoc(llvm::StringRef directive, llvm::SMLoc location);
  bool parseFileOptions(std::optional<llvm::MD5::MD5Result> &checksum,
                        std::optional<llvm::StringRef> &source);
  bool parseLocOption(unsigned &flags, unsigned &isa, int64_t &discriminator);
  bool parseView();
  struct PlainLoc {
    enum class ViewKind { None, Reset, Number, Symbol };
    unsigned Line = 0, Column = 0, Flags = 0, Discriminator = 0;
    ViewKind View = ViewKind::None;
    llvm::MCSymbol *ViewSymbol = nullptr;
  };
  bool readPlainLoc(llvm::StringRef text, PlainLoc &loc);
  unsigned nextView(bool reset);
  bool enterFileBesideRoot(unsigned number, llvm::StringRef directory, llvm::StringRef name,
                           std::optional<llvm::MD5::MD5Result> checksum,
                           std::optional<llvm::StringRef> source, llvm::SMLoc location);

  struct ViewState {
    uint64_t InstructionsAtLastLoc = 0;
    unsigned View = 0;
    bool Seen = false;
  };
  RewritingStreamer &streamer;
  AfterburnerDirectives *plainStatements = nullptr;
  std::unordered_map<const llvm::MCSection *, ViewState> views;
  std::deque<std::string> strings; // storage for strings the line table refers to
};

} // namespace afterburner
