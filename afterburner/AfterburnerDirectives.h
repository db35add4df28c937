// AfterburnerDirectives.h: `.afterburner_off` / `.afterburner_on` keep a region native
// (code that runs before the loader or is the loader itself, real-mode code). It also
// reads `.byte` itself, so that instructions written as bytes become sites too.
#pragma once

#include "llvm/MC/MCParser/MCAsmParserExtension.h"

namespace afterburner {

class RewritingStreamer;

class AfterburnerDirectives : public llvm::MCAsmParserExtension {
public:
  explicit AfterburnerDirectives(RewritingStreamer &streamer) : streamer(streamer) {}
  void Initialize(llvm::MCAsmParser &parser) override;

private:
  bool parseSwitch(llvm::StringRef directive, llvm::SMLoc location);
  bool parseByte(llvm::StringRef directive, llvm::SMLoc location);
  RewritingStreamer &streamer;
};

} // namespace afterburner
