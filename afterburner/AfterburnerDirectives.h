// AfterburnerDirectives.h: `.afterburner_off` / `.afterburner_on` keep a region native
// (code that runs before the loader or is the loader itself, real-mode code). It also
// reads `.byte` itself, so that instructions written as bytes become sites too, and reads
// the data directives of debug information with a fast path for lone constants.
#pragma once

#include "llvm/MC/MCParser/MCAsmParserExtension.h"

#include <cstdint>
#include <optional>

namespace afterburner {

class RewritingStreamer;

class AfterburnerDirectives : public llvm::MCAsmParserExtension {
public:
  explicit AfterburnerDirectives(RewritingStreamer &streamer) : streamer(streamer) {}
  void Initialize(llvm::MCAsmParser &parser) override;

private:
  bool parseSwitch(llvm::StringRef directive, llvm::SMLoc location);
  bool parseByte(llvm::StringRef directive, llvm::SMLoc location);
  bool parseValue(llvm::StringRef directive, llvm::SMLoc location);
  bool parseLeb128(llvm::StringRef directive, llvm::SMLoc location);
  std::optional<int64_t> plainInteger();
  RewritingStreamer &streamer;
};

} // namespace afterburner
