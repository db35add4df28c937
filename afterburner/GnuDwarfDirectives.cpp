// GnuDwarfDirectives.cpp: `.file` and `.loc` with GNU as semantics.
#include "afterburner/GnuDwarfDirectives.h"

#include "afterburner/AfterburnerDirectives.h"
#include "afterburner/RewritingStreamer.h"
#include "afterburner/StatementText.h"

#include "llvm/ADT/APInt.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDwarf.h"
#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCParser/MCAsmLexer.h"
#include "llvm/MC/MCParser/MCAsmParser.h"
#include "llvm/MC/MCStreamer.h"

#include <algorithm>

namespace afterburner {

void GnuDwarfDirectives::Initialize(llvm::MCAsmParser &parser) {
  MCAsmParserExtension::Initialize(parser);
  parser.addDirectiveHandler(
      ".file", {this, HandleDirective<GnuDwarfDirectives, &GnuDwarfDirectives::parseFile>});
  parser.addDirectiveHandler(
      ".loc", {this, HandleDirective<GnuDwarfDirectives, &GnuDwarfDirectives::parseLoc>});
}

bool GnuDwarfDirectives::parseFileOptions(std::optional<llvm::MD5::MD5Result> &checksum,
                                          std::optional<llvm::StringRef> &source) {
  while (!getLexer().is(llvm::AsmToken::EndOfStatement)) {
    llvm::StringRef keyword;
    llvm::SMLoc location = getTok().getLoc();
    if (getParser().parseIdentifier(keyword))
      return TokError("unexpected token in '.file' directive");
    if (keyword == "md5") {
      if (!getLexer().is(llvm::AsmToken::Integer) && !getLexer().is(llvm::AsmToken::BigNum))
        return TokError("expected a 128-bit md5 value in '.file' directive");
      llvm::APInt value = getTok().getAPIntVal();
      if (value.getActiveBits() > 128)
        return TokError("md5 value is larger than 128 bits");
      value = value.zextOrTrunc(128);
      llvm::MD5::MD5Result sum;
      for (unsigned byte = 0; byte < 16; ++byte)
        sum[byte] = static_cast<uint8_t>(value.extractBitsAsZExtValue(8, (15 - byte) * 8));
      checksum = sum;
      Lex();
      continue;
    }
    if (keyword == "source") {
      std::string text;
      if (getParser().parseEscapedString(text))
        return true;
      strings.push_back(std::move(text));
      source = llvm::StringRef(strings.back());
      continue;
    }
    return Error(location, "unexpected token '" + keyword + "' in '.file' directive");
  }
  return false;
}

bool GnuDwarfDirectives::parseFile(llvm::StringRef, llvm::SMLoc location) {
  int64_t number = -1;
  if (getLexer().is(llvm::AsmToken::Integer)) {
    number = getTok().getIntVal();
    Lex();
    if (number < 0)
      return TokError("negative file number in '.file' directive");
  }
  std::string first, second;
  if (getParser().parseEscapedString(first))
    return true;
  bool hasDirectory = getLexer().is(llvm::AsmToken::String);
  if (hasDirectory && getParser().parseEscapedString(second))
    return true;
  std::optional<llvm::MD5::MD5Result> checksum;
  std::optional<llvm::StringRef> source;
  if (number >= 0 && parseFileOptions(checksum, source))
    return true;
  if (parseEOL())
    return true;
  strings.push_back(hasDirectory ? first : std::string());
  llvm::StringRef directory = strings.back();
  strings.push_back(hasDirectory ? second : first);
  llvm::StringRef name = strings.back();

  if (number < 0) { // `.file "name"`: the STT_FILE symbol only
    getStreamer().emitFileDirective(name);
    return false;
  }
  llvm::MCContext &context = getContext();
  // Explicit line information: GNU as then generates none of its own for -g.
  if (context.getGenDwarfForAssembly()) {
    context.getMCDwarfLineTable(0).resetFileTable();
    context.setGenDwarfForAssembly(false);
    context.setGenDwarfFileNumber(0);
  }
  if (number == 0) {
    if (context.getDwarfVersion() < 5)
      context.setDwarfVersion(5);
    getStreamer().emitDwarfFile0Directive(directory, name, checksum, source);
    return false;
  }
  const llvm::MCDwarfFile &root = context.getMCDwarfLineTable(0).getRootFile();
  if (context.getDwarfVersion() >= 5 && !root.Name.empty() && root.Name == name &&
      root.Checksum == checksum)
    return enterFileBesideRoot(number, directory, name, checksum, source, location);
  llvm::Expected<unsigned> entered =
      getStreamer().tryEmitDwarfFileDirective(number, directory, name, checksum, source);
  if (!entered)
    return Error(location, llvm::toString(entered.takeError()));
  return false;
}

// GCC's `.file 1 "a.c"` names the root file again; LLVM would map it to entry 0 and leave
// entry 1 unassigned, but .loc and DW_AT_decl_file refer to 1. Enter it as entry 1.
bool GnuDwarfDirectives::enterFileBesideRoot(unsigned number, llvm::StringRef directory,
                                             llvm::StringRef name,
                                             std::optional<llvm::MD5::MD5Result> checksum,
                                             std::optional<llvm::StringRef> source,
                                             llvm::SMLoc location) {
  llvm::MCContext &context = getContext();
  llvm::MCDwarfLineTable &table = context.getMCDwarfLineTable(0);
  auto &files = table.getMCDwarfFiles();
  if (files.size() <= number)
    files.resize(number + 1);
  if (!files[number].Name.empty())
    return Error(location, "file number already allocated");
  unsigned directoryIndex = 0;
  if (!directory.empty() && directory != context.getCompilationDir()) {
    auto &directories = table.getMCDwarfDirs();
    auto found = std::find(directories.begin(), directories.end(), directory);
    directoryIndex = static_cast<unsigned>(found - directories.begin()) + 1;
    if (found == directories.end())
      directories.push_back(directory.str());
  }
  files[number].Name = name.str();
  files[number].DirIndex = directoryIndex;
  files[number].Checksum = checksum;
  files[number].Source = source;
  return false;
}

unsigned GnuDwarfDirectives::nextView(bool reset) {
  ViewState &state = views[getStreamer().getCurrentSectionOnly()];
  uint64_t emitted = streamer.instructionsInCurrentSection();
  bool advanced = !state.Seen || emitted != state.InstructionsAtLastLoc;
  state.View = reset || advanced ? 0 : state.View + 1;
  state.Seen = true;
  state.InstructionsAtLastLoc = emitted;
  return state.View;
}

bool GnuDwarfDirectives::parseView() {
  llvm::MCContext &context = getContext();
  if (getLexer().is(llvm::AsmToken::Minus)) { // `view -0`: force a reset
    Lex();
    int64_t value = 0;
    if (getParser().parseAbsoluteExpression(value) || value != 0)
      return TokError("expected '-0' in '.loc' view");
    nextView(true);
    return false;
  }
  if (getLexer().is(llvm::AsmToken::Integer)) {
    int64_t value = getTok().getIntVal();
    Lex();
    nextView(value == 0);
    return false;
  }
  llvm::StringRef name;
  if (getParser().parseIdentifier(name))
    return TokError("expected a view symbol or number in '.loc' directive");
  unsigned view = nextView(false);
  llvm::MCSymbol *symbol = context.getOrCreateSymbol(name);
  if (symbol->isDefined() || symbol->isVariable())
    return TokError("view symbol '" + name + "' is already defined");
  getStreamer().emitAssignment(symbol, llvm::MCConstantExpr::create(view, context));
  return false;
}

bool GnuDwarfDirectives::parseLocOption(unsigned &flags, unsigned &isa, int64_t &discriminator) {
  llvm::StringRef name;
  llvm::SMLoc location = getTok().getLoc();
  if (getParser().parseIdentifier(name))
    return TokError("unexpected token in '.loc' directive");
  if (name == "basic_block")
    flags |= DWARF2_FLAG_BASIC_BLOCK;
  else if (name == "prologue_end")
    flags |= DWARF2_FLAG_PROLOGUE_END;
  else if (name == "epilogue_begin")
    flags |= DWARF2_FLAG_EPILOGUE_BEGIN;
  else if (name == "is_stmt" || name == "isa") {
    int64_t value = 0;
    location = getTok().getLoc();
    if (getParser().parseAbsoluteExpression(value))
      return true;
    if (name == "isa") {
      if (value < 0)
        return Error(location, "isa number less than zero");
      isa = static_cast<unsigned>(value);
    } else if (value == 0 || value == 1) {
      flags = value ? flags | DWARF2_FLAG_IS_STMT : flags & ~DWARF2_FLAG_IS_STMT;
    } else {
      return Error(location, "is_stmt value not 0 or 1");
    }
  } else if (name == "discriminator") {
    if (getParser().parseAbsoluteExpression(discriminator))
      return true;
  } else if (name == "view") {
    return parseView();
  } else {
    return Error(location, "unknown sub-directive '" + name + "' in '.loc' directive");
  }
  return false;
}

// The operands of a `.loc` as GCC writes them, read from the text (see StatementText.h):
// line, column, then is_stmt 0/1, discriminator N, the flag words and one view. Returns
// false, having changed nothing, for anything else, which the token parser then reads.
bool GnuDwarfDirectives::readPlainLoc(llvm::StringRef text, PlainLoc &loc) {
  PlainText cursor(text);
  llvm::MCContext &context = getContext();
  loc.Flags = context.getCurrentDwarfLoc().getFlags() & DWARF2_FLAG_IS_STMT;
  if (std::optional<uint32_t> line = cursor.decimal()) {
    loc.Line = *line;
    if (std::optional<uint32_t> column = cursor.decimal())
      loc.Column = *column;
  }
  while (!cursor.atEnd()) {
    std::optional<llvm::StringRef> option = cursor.word();
    if (!option)
      return false;
    std::optional<uint32_t> value;
    if (*option == "basic_block") {
      loc.Flags |= DWARF2_FLAG_BASIC_BLOCK;
    } else if (*option == "prologue_end") {
      loc.Flags |= DWARF2_FLAG_PROLOGUE_END;
    } else if (*option == "epilogue_begin") {
      loc.Flags |= DWARF2_FLAG_EPILOGUE_BEGIN;
    } else if (*option == "is_stmt" && (value = cursor.decimal()) && *value <= 1) {
      loc.Flags = *value ? loc.Flags | DWARF2_FLAG_IS_STMT : loc.Flags & ~DWARF2_FLAG_IS_STMT;
    } else if (*option == "discriminator" && (value = cursor.decimal())) {
      loc.Discriminator = *value;
    } else if (*option == "view" && loc.View == PlainLoc::ViewKind::None) {
      if (cursor.consume("-0")) {
        loc.View = PlainLoc::ViewKind::Reset;
      } else if ((value = cursor.decimal())) {
        loc.View = *value == 0 ? PlainLoc::ViewKind::Reset : PlainLoc::ViewKind::Number;
      } else if (std::optional<llvm::StringRef> name = cursor.word()) {
        // A symbol already defined is an error the token parser reports.
        loc.ViewSymbol = context.getOrCreateSymbol(*name);
        if (loc.ViewSymbol->isDefined() || loc.ViewSymbol->isVariable())
          return false;
        loc.View = PlainLoc::ViewKind::Symbol;
      } else {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

// A `.loc` whose operands are plain text (see StatementText.h), emitted as the token
// parser below would emit it. Returns false, having emitted nothing, for anything else.
bool GnuDwarfDirectives::emitPlainLoc(llvm::StringRef operands) {
  PlainText cursor(operands);
  std::optional<uint32_t> file = cursor.decimal();
  llvm::MCContext &context = getContext();
  if (!file || (*file < 1 && context.getDwarfVersion() < 5) ||
      !context.isValidDwarfFileNumber(*file))
    return false;
  PlainLoc loc;
  if (!readPlainLoc(cursor.remaining(), loc))
    return false;
  if (loc.View == PlainLoc::ViewKind::Reset || loc.View == PlainLoc::ViewKind::Number)
    nextView(loc.View == PlainLoc::ViewKind::Reset);
  if (loc.View == PlainLoc::ViewKind::Symbol) {
    unsigned view = nextView(false);
    getStreamer().emitAssignment(loc.ViewSymbol, llvm::MCConstantExpr::create(view, context));
  }
  getStreamer().emitDwarfLocDirective(*file, loc.Line, loc.Column, loc.Flags, /*Isa=*/0,
                                      loc.Discriminator, llvm::StringRef());
  return true;
}

bool GnuDwarfDirectives::parseLoc(llvm::StringRef, llvm::SMLoc) {
  llvm::MCContext &context = getContext();
  llvm::SMLoc location = getTok().getLoc();
  if (!getLexer().is(llvm::AsmToken::Integer))
    return TokError("expected a file number in '.loc' directive");
  int64_t file = getTok().getIntVal();
  if (file < 1 && context.getDwarfVersion() < 5)
    return Error(location, "file number less than one in '.loc' directive");
  if (!context.isValidDwarfFileNumber(static_cast<unsigned>(file)))
    return Error(location, "unassigned file number " + llvm::Twine(file) + " in '.loc' directive");
  // Read before the next token is lexed (LLVM's lexer allocates for every integer).
  std::optional<llvm::StringRef> plain = plainLine(getTok().getLoc().getPointer());
  if (plain && plainStatements && emitPlainLoc(*plain))
    return plainStatements->finishPlainStatements(plain->end());
  Lex();
  int64_t line = 0, column = 0;
  if (getLexer().is(llvm::AsmToken::Integer)) {
    line = getTok().getIntVal();
    if (line < 0)
      return TokError("line numbers must be positive");
    Lex();
  }
  if (getLexer().is(llvm::AsmToken::Integer)) {
    column = getTok().getIntVal();
    if (column < 0)
      return TokError("column position less than zero");
    Lex();
  }
  unsigned flags = context.getCurrentDwarfLoc().getFlags() & DWARF2_FLAG_IS_STMT;
  unsigned isa = 0;
  int64_t discriminator = 0;
  if (parseMany([&] { return parseLocOption(flags, isa, discriminator); }, false))
    return true;
  getStreamer().emitDwarfLocDirective(static_cast<unsigned>(file), static_cast<unsigned>(line),
                                      static_cast<unsigned>(column), flags, isa,
                                      static_cast<unsigned>(discriminator), llvm::StringRef());
  return false;
}

} // namespace afterburner
