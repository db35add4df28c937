// AfterburnerDirectives.h: `.afterburner_off` / `.afterburner_on` keep a region native
// (code that runs before the loader or is the loader itself, real-mode code), and
// `.afterburner_page_table_store` marks the next instruction as an annotated site (a store
// of a page-table entry, site_abi.h section 6a). It also
// reads `.byte` itself, so that instructions written as bytes become sites too, and reads
// the data directives of debug information (`.value`, `.long`, `.quad`, `.uleb128`,
// `.sleb128`) with the plain-statement path of StatementText.h.
#pragma once

#include "llvm/MC/MCParser/MCAsmParserExtension.h"

#include <cstdint>
#include <optional>

namespace afterburner {

class GnuDwarfDirectives;
class RewritingStreamer;

class AfterburnerDirectives : public llvm::MCAsmParserExtension {
public:
  enum class DataKind { Byte, Value, Long, Quad, Uleb128, Sleb128 };

  explicit AfterburnerDirectives(RewritingStreamer &streamer) : streamer(streamer) {}
  void Initialize(llvm::MCAsmParser &parser) override;
  // `.loc` statements met while running over plain statements go to these.
  void setLineDirectives(GnuDwarfDirectives *directives) { lineDirectives = directives; }
  // After a plain statement ending at `newline` was emitted from the text: emits the plain
  // statements that follow it and resumes the lexer after them (see StatementText.h).
  bool finishPlainStatements(const char *newline);

private:
  bool parseSwitch(llvm::StringRef directive, llvm::SMLoc location);
  bool parseAnnotation(llvm::StringRef directive, llvm::SMLoc location);
  bool parseByte(llvm::StringRef directive, llvm::SMLoc location);
  bool parseValue(llvm::StringRef directive, llvm::SMLoc location);
  bool parseLeb128(llvm::StringRef directive, llvm::SMLoc location);
  static std::optional<DataKind> dataKind(llvm::StringRef directive);
  bool tryPlainStatement(DataKind kind, bool &failed);
  bool emitPlainData(DataKind kind, llvm::StringRef operands);
  const char *runPlainStatements(const char *newline);
  const llvm::MCExpr *plainOperand(llvm::StringRef text);
  const llvm::MCExpr *symbolReference(llvm::StringRef name, llvm::SMLoc location);
  RewritingStreamer &streamer;
  GnuDwarfDirectives *lineDirectives = nullptr;
};

} // namespace afterburner
