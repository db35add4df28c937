// AfterburnerDirectives.cpp: the region switches, `.byte` instructions and the data
// directives of debug information (with the plain-statement path of StatementText.h).
#include "afterburner/AfterburnerDirectives.h"

#include "afterburner/GnuDwarfDirectives.h"
#include "afterburner/RewritingStreamer.h"
#include "afterburner/StatementText.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCParser/AsmLexer.h"
#include "llvm/MC/MCParser/MCAsmLexer.h"
#include "llvm/MC/MCParser/MCAsmParser.h"
#include "llvm/MC/MCSymbol.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/SourceMgr.h"

#include <utility>

namespace afterburner {

void AfterburnerDirectives::Initialize(llvm::MCAsmParser &parser) {
  MCAsmParserExtension::Initialize(parser);
  auto handler = HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseSwitch>;
  parser.addDirectiveHandler(".afterburner_off", {this, handler});
  parser.addDirectiveHandler(".afterburner_on", {this, handler});
  parser.addDirectiveHandler(
      ".afterburner_page_table_store",
      {this, HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseAnnotation>});
  parser.addDirectiveHandler(
      ".byte", {this, HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseByte>});
  auto value = HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseValue>;
  for (const char *directive : {".value", ".long", ".quad"})
    parser.addDirectiveHandler(directive, {this, value});
  auto leb128 = HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseLeb128>;
  for (const char *directive : {".uleb128", ".sleb128"})
    parser.addDirectiveHandler(directive, {this, leb128});
}

std::optional<AfterburnerDirectives::DataKind>
AfterburnerDirectives::dataKind(llvm::StringRef directive) {
  if (directive == ".byte")
    return DataKind::Byte;
  if (directive == ".value")
    return DataKind::Value;
  if (directive == ".long")
    return DataKind::Long;
  if (directive == ".quad")
    return DataKind::Quad;
  if (directive == ".uleb128")
    return DataKind::Uleb128;
  if (directive == ".sleb128")
    return DataKind::Sleb128;
  return std::nullopt;
}

static unsigned sizeOf(AfterburnerDirectives::DataKind kind) {
  using Kind = AfterburnerDirectives::DataKind;
  return kind == Kind::Byte ? 1 : kind == Kind::Value ? 2 : kind == Kind::Long ? 4 : 8;
}

static bool fitsIn(unsigned size, int64_t value) {
  uint64_t number = static_cast<uint64_t>(value);
  return size >= 8 || llvm::isUIntN(8 * size, number) || llvm::isIntN(8 * size, number);
}

// A reference to a symbol by name, as LLVM's expression parser makes it: a symbol whose
// value is a constant stands for that constant.
const llvm::MCExpr *AfterburnerDirectives::symbolReference(llvm::StringRef name,
                                                           llvm::SMLoc location) {
  llvm::MCContext &context = getContext();
  llvm::MCSymbol *symbol = context.getInlineAsmLabel(name);
  if (!symbol)
    symbol = context.getOrCreateSymbol(name);
  if (symbol->isVariable()) {
    const llvm::MCExpr *value = symbol->getVariableValue(/*SetUsed=*/false);
    bool substitute = llvm::isa<llvm::MCConstantExpr>(value);
    if (const auto *target = llvm::dyn_cast<llvm::MCTargetExpr>(value))
      substitute = target->inlineAssignedExpr();
    if (substitute)
      return value;
  }
  return llvm::MCSymbolRefExpr::create(symbol, llvm::MCSymbolRefExpr::VK_None, context, location);
}

// One operand written as an integer literal, a symbol or the difference of two symbols
// (debug information is mostly these), built as LLVM's expression parser builds it and
// folded the same way; or null, having emitted nothing.
const llvm::MCExpr *AfterburnerDirectives::plainOperand(llvm::StringRef text) {
  PlainText cursor(text);
  llvm::MCContext &context = getContext();
  if (std::optional<int64_t> constant = cursor.integer())
    return cursor.atEnd() ? llvm::MCConstantExpr::create(*constant, context) : nullptr;
  std::optional<llvm::StringRef> first = cursor.word();
  if (!first)
    return nullptr;
  std::optional<llvm::StringRef> second;
  if (!cursor.atEnd() &&
      (!cursor.consumeOperator('-') || !(second = cursor.word()) || !cursor.atEnd()))
    return nullptr;
  llvm::SMLoc location = llvm::SMLoc::getFromPointer(first->data());
  const llvm::MCExpr *value = symbolReference(*first, location);
  if (second)
    value = llvm::MCBinaryExpr::create(
        llvm::MCBinaryExpr::Sub, value,
        symbolReference(*second, llvm::SMLoc::getFromPointer(second->data())), context, location);
  int64_t folded = 0;
  if (value->evaluateAsAbsolute(folded))
    value = llvm::MCConstantExpr::create(folded, context);
  return value;
}

// Emits a data directive whose operand text is plain, with the streamer calls LLVM's
// parser (or parseByte) would make. Returns false, having emitted nothing, otherwise.
bool AfterburnerDirectives::emitPlainData(DataKind kind, llvm::StringRef operands) {
  // Intel syntax reads identifiers in expressions differently (registers, operators).
  if (getParser().getAssemblerDialect() != 0)
    return false;
  const llvm::MCExpr *value = plainOperand(operands);
  if (!value)
    return false;
  const auto *constant = llvm::dyn_cast<llvm::MCConstantExpr>(value);
  if (kind == DataKind::Uleb128 || kind == DataKind::Sleb128) {
    if (kind == DataKind::Sleb128)
      getStreamer().emitSLEB128Value(value);
    else
      getStreamer().emitULEB128Value(value);
    return true;
  }
  unsigned size = sizeOf(kind);
  if (kind == DataKind::Byte && !constant)
    return false;
  if (constant && !fitsIn(size, constant->getValue()))
    return false; // an error LLVM's parser reports
  if (constant)
    getStreamer().emitIntValue(static_cast<uint64_t>(constant->getValue()), size);
  else
    getStreamer().emitValue(value, size, llvm::SMLoc::getFromPointer(operands.data()));
  return true;
}

// The statement whose operands start at the current token, when it is plain and was
// emitted; then every following plain data or `.loc` statement of the main source is
// emitted straight from the text too, and the lexer resumes after the last of them.
bool AfterburnerDirectives::tryPlainStatement(DataKind kind, bool &failed) {
  std::optional<llvm::StringRef> line = plainLine(getTok().getLoc().getPointer());
  if (!line || !emitPlainData(kind, *line))
    return false;
  failed = finishPlainStatements(line->end());
  return true;
}

bool AfterburnerDirectives::finishPlainStatements(const char *newline) {
  llvm::SourceMgr &sources = getParser().getSourceManager();
  llvm::StringRef main = sources.getMemoryBuffer(sources.getMainFileID())->getBuffer();
  if (newline >= main.begin() && newline < main.end()) {
    // Macro expansions and included files are other buffers: only the main one is run on.
    static_cast<llvm::AsmLexer &>(getLexer()).setBuffer(main, runPlainStatements(newline));
  } else {
    getLexer().LexUntilEndOfStatement();
  }
  Lex(); // the newline: EndOfStatement
  return parseEOL();
}

// Emits the plain statements that follow the line ending at `newline`; returns the
// newline of the last one emitted.
const char *AfterburnerDirectives::runPlainStatements(const char *newline) {
  while (true) {
    std::optional<llvm::StringRef> line = plainLine(newline + 1);
    if (!line)
      return newline;
    PlainText cursor(*line);
    std::optional<llvm::StringRef> directive = cursor.word();
    if (!directive)
      return newline;
    llvm::StringRef operands = cursor.remaining();
    if (getContext().lookupMacro(*directive)) // a macro of that name comes first
      return newline;
    bool emitted = false;
    if (*directive == ".loc")
      emitted = lineDirectives && lineDirectives->emitPlainLoc(operands);
    else if (std::optional<DataKind> kind = dataKind(*directive))
      emitted = emitPlainData(*kind, operands);
    if (!emitted)
      return newline;
    newline = line->end();
  }
}

// `.value`, `.long`, `.quad` exactly as LLVM's own parser handles them.
bool AfterburnerDirectives::parseValue(llvm::StringRef directive, llvm::SMLoc) {
  DataKind kind = *dataKind(directive);
  unsigned size = sizeOf(kind);
  bool failed = false;
  if (getParser().checkForValidSection())
    return true;
  if (tryPlainStatement(kind, failed))
    return failed;
  auto parseOne = [&]() -> bool {
    const llvm::MCExpr *value = nullptr;
    llvm::SMLoc location = getLexer().getLoc();
    if (getParser().checkForValidSection() || getParser().parseExpression(value))
      return true;
    if (const auto *number = llvm::dyn_cast<llvm::MCConstantExpr>(value)) {
      if (!fitsIn(size, number->getValue()))
        return Error(location, "out of range literal value");
      getStreamer().emitIntValue(static_cast<uint64_t>(number->getValue()), size);
    } else {
      getStreamer().emitValue(value, size, location);
    }
    return false;
  };
  return parseMany(parseOne);
}

// `.uleb128` and `.sleb128` exactly as LLVM's own parser handles them.
bool AfterburnerDirectives::parseLeb128(llvm::StringRef directive, llvm::SMLoc) {
  DataKind kind = *dataKind(directive);
  bool failed = false;
  if (getParser().checkForValidSection())
    return true;
  if (tryPlainStatement(kind, failed))
    return failed;
  auto parseOne = [&]() -> bool {
    const llvm::MCExpr *value = nullptr;
    if (getParser().parseExpression(value))
      return true;
    if (kind == DataKind::Sleb128)
      getStreamer().emitSLEB128Value(value);
    else
      getStreamer().emitULEB128Value(value);
    return false;
  };
  return parseMany(parseOne);
}

// `.byte` as LLVM's own parser handles it (constants range-checked, other expressions as
// 1-byte fixups), except that a list of constants encoding one sensitive instruction in
// code becomes a site.
bool AfterburnerDirectives::parseByte(llvm::StringRef, llvm::SMLoc) {
  bool failed = false;
  if (tryPlainStatement(DataKind::Byte, failed)) // one byte never spells an instruction
    return failed;
  llvm::SmallVector<std::pair<const llvm::MCExpr *, llvm::SMLoc>, 16> values;
  auto parseOne = [&]() -> bool {
    const llvm::MCExpr *value = nullptr;
    llvm::SMLoc location = getLexer().getLoc();
    if (getParser().parseExpression(value))
      return true;
    if (const auto *constant = llvm::dyn_cast<llvm::MCConstantExpr>(value)) {
      uint64_t number = static_cast<uint64_t>(constant->getValue());
      if (!llvm::isUIntN(8, number) && !llvm::isIntN(8, number))
        return Error(location, "out of range literal value");
    }
    values.push_back({value, location});
    return false;
  };
  if (parseMany(parseOne))
    return true;
  llvm::SmallVector<uint8_t, 16> bytes;
  for (const auto &[value, location] : values)
    if (const auto *constant = llvm::dyn_cast<llvm::MCConstantExpr>(value))
      bytes.push_back(static_cast<uint8_t>(constant->getValue()));
  if (bytes.size() == values.size() && streamer.tryEmitEncodedSite(bytes))
    return false;
  for (const auto &[value, location] : values) {
    if (const auto *constant = llvm::dyn_cast<llvm::MCConstantExpr>(value))
      getStreamer().emitIntValue(static_cast<uint64_t>(constant->getValue()), 1);
    else
      getStreamer().emitValue(value, 1, location);
  }
  return false;
}

bool AfterburnerDirectives::parseSwitch(llvm::StringRef directive, llvm::SMLoc) {
  if (parseEOL())
    return true;
  streamer.setRegionEnabled(directive == ".afterburner_on");
  return false;
}

// `.afterburner_page_table_store`: the next instruction is an annotated site.
bool AfterburnerDirectives::parseAnnotation(llvm::StringRef, llvm::SMLoc location) {
  if (parseEOL())
    return true;
  streamer.annotateNextInstruction(location);
  return false;
}

} // namespace afterburner
