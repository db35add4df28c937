// AfterburnerDirectives.cpp: the region switches.
#include "afterburner/AfterburnerDirectives.h"

#include "afterburner/RewritingStreamer.h"

#include "llvm/MC/MCParser/MCAsmParser.h"

namespace afterburner {

void AfterburnerDirectives::Initialize(llvm::MCAsmParser &parser) {
  MCAsmParserExtension::Initialize(parser);
  auto handler = HandleDirective<AfterburnerDirectives, &AfterburnerDirectives::parseSwitch>;
  parser.addDirectiveHandler(".afterburner_off", {this, handler});
  parser.addDirectiveHandler(".afterburner_on", {this, handler});
}

bool AfterburnerDirectives::parseSwitch(llvm::StringRef directive, llvm::SMLoc) {
  if (parseEOL())
    return true;
  streamer.setRegionEnabled(directive == ".afterburner_on");
  return false;
}

} // namespace afterburner
