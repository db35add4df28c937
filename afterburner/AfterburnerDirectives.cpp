// AfterburnerDirectives.cpp: the region switches.
#include "afterburner/AfterburnerDirectives.h"

#include "afterburner/RewritingStreamer.h"

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
}

// `.byte` as LLVM's own parser handles it (constants range-checked, other expressions as
// 1-byte fixups), except that a list of constants encoding one sensitive instruction in
// code becomes a site.
bool AfterburnerDirectives::parseByte(llvm::StringRef, llvm::SMLoc) {
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
