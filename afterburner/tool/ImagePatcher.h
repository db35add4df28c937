// ImagePatcher.h: offline patching of a linked guest image (`afterburner patch`).
//
// The image's loadable segments are mapped into the loader's ImageMap, and the very
// same loader code the guest runs at boot (site_table, patcher, text_write over the
// hosted platform seam) validates and patches the sites for one wedge, whose table is
// read out of the image itself (symbol afterburner_wedge_<name>; its pointers are
// image addresses). Patched records get AFTERBURNER_SITE_FLAG_PREPATCHED and the
// image's PATCH_STATE note names the wedge, so the loader at boot selects only that
// wedge and leaves those sites alone. ELF64 x86-64 executables only.
#pragma once

#include "afterburner/elf/ElfFile.h"
#include "image.h"
#include "site_table.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace afterburner::tool {

// A linked ELF64 x86-64 image in memory, read with afterburner_elf, seen the way the
// loader sees a guest: image addresses mapped to the file's bytes.
class ElfImage {
public:
  // Parses bytes; on failure returns nullopt and sets error (what and why).
  static std::optional<ElfImage> parse(std::vector<uint8_t> bytes, std::string &error);

  std::vector<uint8_t> &bytes() { return file_->mutableBytes(); }
  const std::vector<uint8_t> &bytes() const { return file_->bytes(); }
  // The file-backed part of every PT_LOAD segment, at its image address.
  loader::ImageMap map() const;
  // From the lowest to the highest address of the executable PT_LOAD segments.
  loader::TextRange text() const { return text_; }
  // PT_NOTE segments; allocated SHT_NOTE sections when there is none.
  const std::vector<loader::NoteStream> &noteStreams() const { return notes_; }
  // The value of a symbol of .symtab, if any.
  std::optional<uint64_t> symbol(const std::string &name) const;
  // Symbol names starting with prefix (for "did you mean" messages).
  std::vector<std::string> symbolsWithPrefix(const std::string &prefix) const;

private:
  ElfImage() = default;
  bool readSegments(std::string &error);
  void readNoteSections();

  std::shared_ptr<elf::ElfFile> file_;
  mutable std::vector<loader::ImageRange> ranges_; // rebuilt by map(): bytes may move
  loader::TextRange text_;
  std::vector<loader::NoteStream> notes_;
  std::vector<elf::Symbol> symbols_;
};

struct PatchOutcome {
  bool ok = false;
  std::string error;       // when !ok: why nothing was written
  std::string diagnostics; // the loader's messages (refused records, ...)
  std::string summary;     // the loader's summary line
  uint32_t patched = 0;
};

// Pre-patches image for the named wedge (in place, in memory).
PatchOutcome patchImage(ElfImage &image, const std::string &wedgeName);

} // namespace afterburner::tool
