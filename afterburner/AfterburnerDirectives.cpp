// AfterburnerDirectives.cpp: the region switches.
#include "afterburner/AfterburnerDirectives.h"

#include "afterburner/RewritingStreamer.h"
#include "afterburner/StatementText.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCParser/MCAsmLexer.h"
#include "llvm/MC/MCParser/MCAsmParser.h"
#include "llvm/Support/MathExtras.h"

#include <utility>

namespace afterburner {

void AfterburnerDirectives::Initialize(llvm::MCAsmParser &parser) {
  MCAsmParserExtension::Initialize(parser);
  auto handler = HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseSwitch>;
  parser.addDirectiveHandler(".afterburner_off", {this, handler});
  parser.addDirectiveHandler(".afterburner_on", {this, handler});
  parser.addDirectiveHandler(
      ".byte", {this, HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseByte>});
  auto value = HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseValue>;
  for (const char *directive : {".value", ".long", ".quad"})
    parser.addDirectiveHandler(directive, {this, value});
  auto leb128 = HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseLeb128>;
  for (const char *directive : {".uleb128", ".sleb128"})
    parser.addDirectiveHandler(directive, {this, leb128});
}

// The operand of a directive written as one integer literal and nothing else (see
// StatementText.h), read without lexing further; or nothing.
std::optional<int64_t> AfterburnerDirectives::plainInteger() {
  if (!getLexer().is(llvm::AsmToken::Integer))
    return std::nullopt;
  std::optional<llvm::StringRef> rest = plainRestOfStatement(getTok());
  if (!rest || !isBlank(*rest))
    return std::nullopt;
  return getTok().getIntVal();
}

static bool fitsIn(unsigned size, int64_t value) {
  uint64_t number = static_cast<uint64_t>(value);
  return size >= 8 || llvm::isUIntN(8 * size, number) || llvm::isIntN(8 * size, number);
}

// `.value`, `.long`, `.quad` exactly as LLVM's own parser handles them; a lone constant
// (the common case in debug information) is read from the text.
bool AfterburnerDirectives::parseValue(llvm::StringRef directive, llvm::SMLoc) {
  unsigned size = directive == ".value" ? 2 : directive == ".long" ? 4 : 8;
  std::optional<int64_t> constant = plainInteger();
  if (constant && fitsIn(size, *constant)) {
    if (getParser().checkForValidSection() || skipPlainRestOfStatement(getParser()))
      return true;
    getStreamer().emitIntValue(static_cast<uint64_t>(*constant), size);
    return false;
  }
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

// `.uleb128` and `.sleb128` exactly as LLVM's own parser handles them, a lone constant
// read from the text.
bool AfterburnerDirectives::parseLeb128(llvm::StringRef directive, llvm::SMLoc) {
  bool isSigned = directive == ".sleb128";
  if (getParser().checkForValidSection())
    return true;
  auto emit = [&](const llvm::MCExpr *value) {
    if (isSigned)
      getStreamer().emitSLEB128Value(value);
    else
      getStreamer().emitULEB128Value(value);
  };
  if (std::optional<int64_t> constant = plainInteger()) {
    if (skipPlainRestOfStatement(getParser()))
      return true;
    emit(llvm::MCConstantExpr::create(*constant, getContext()));
    return false;
  }
  auto parseOne = [&]() -> bool {
    const llvm::MCExpr *value = nullptr;
    if (getParser().parseExpression(value))
      return true;
    emit(value);
    return false;
  };
  return parseMany(parseOne);
}

// `.byte` as LLVM's own parser handles it (constants range-checked, other expressions as
// 1-byte fixups), except that a list of constants encoding one sensitive instruction in
// code becomes a site.
bool AfterburnerDirectives::parseByte(llvm::StringRef, llvm::SMLoc) {
  std::optional<int64_t> constant = plainInteger();
  if (constant && fitsIn(1, *constant)) { // one byte never spells an instruction
    if (getParser().checkForValidSection() || skipPlainRestOfStatement(getParser()))
      return true;
    getStreamer().emitIntValue(static_cast<uint64_t>(*constant), 1);
    return false;
  }
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

} // namespace afterburner
