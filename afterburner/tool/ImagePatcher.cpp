// ImagePatcher.cpp: see ImagePatcher.h.
#include "ImagePatcher.h"

#include "patcher.h"
#include "report.h"
#include "text_write.h"

#include <afterburner/wedge_abi.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace afterburner::tool {

namespace {

constexpr uint16_t elfTypeExecutable = 2; // ET_EXEC
constexpr uint16_t elfTypeShared = 3;     // ET_DYN
constexpr uint16_t elfMachineX86_64 = 62; // EM_X86_64
constexpr uint32_t segmentLoad = 1;       // PT_LOAD
constexpr uint32_t segmentNote = 4;       // PT_NOTE
constexpr uint32_t segmentExecute = 1;    // PF_X
constexpr uint32_t sectionNote = 7;       // SHT_NOTE
constexpr uint64_t sectionAlloc = 2;      // SHF_ALLOC

bool checkKind(const elf::ElfFile &file, std::string &error) {
  if (!file.is64() || file.machine() != elfMachineX86_64) {
    error = "not an ELF64 x86-64 file";
    return false;
  }
  if (file.type() != elfTypeExecutable && file.type() != elfTypeShared) {
    error =
        "not a linked image (ELF type " + std::to_string(file.type()) + "); link the objects first";
    return false;
  }
  return true;
}

} // namespace

std::optional<ElfImage> ElfImage::parse(std::vector<uint8_t> bytes, std::string &error) {
  if (!elf::ElfFile::isElf(bytes)) {
    error = "not an ELF file";
    return std::nullopt;
  }
  ElfImage image;
  image.file_ = elf::ElfFile::parse("image", std::move(bytes), error);
  if (!image.file_ || !checkKind(*image.file_, error) || !image.readSegments(error))
    return std::nullopt;
  image.readNoteSections();
  image.symbols_ = image.file_->symbols();
  return image;
}

bool ElfImage::readSegments(std::string &error) {
  uint64_t textStart = UINT64_MAX;
  uint64_t textEnd = 0;
  const uint64_t fileSize = file_->bytes().size();
  for (const elf::ProgramHeader &segment : file_->programHeaders()) {
    if (segment.Type == segmentNote && segment.FileSize > 0)
      notes_.push_back({segment.VirtualAddress, segment.VirtualAddress + segment.FileSize});
    if (segment.Type != segmentLoad)
      continue;
    if (segment.Offset > fileSize || segment.FileSize > fileSize - segment.Offset) {
      error = "a loadable segment lies outside the file";
      return false;
    }
    if (segment.Flags & segmentExecute) {
      textStart = std::min(textStart, segment.VirtualAddress);
      textEnd = std::max(textEnd, segment.VirtualAddress + segment.MemorySize);
    }
  }
  if (textEnd == 0) {
    error = "no executable loadable segment";
    return false;
  }
  text_ = {textStart, textEnd};
  return true;
}

void ElfImage::readNoteSections() {
  if (!notes_.empty())
    return;
  for (const elf::Section &section : file_->sections()) {
    if (section.Type == sectionNote && (section.Flags & sectionAlloc))
      notes_.push_back({section.Address, section.Address + section.Size});
  }
}

loader::ImageMap ElfImage::map() const {
  ranges_.clear();
  const uintptr_t host = reinterpret_cast<uintptr_t>(file_->bytes().data());
  for (const elf::ProgramHeader &segment : file_->programHeaders()) {
    if (segment.Type == segmentLoad)
      ranges_.push_back({segment.VirtualAddress, segment.FileSize, host + segment.Offset});
  }
  return {ranges_.data(), ranges_.size()};
}

std::optional<uint64_t> ElfImage::symbol(const std::string &name) const {
  for (const elf::Symbol &entry : symbols_) {
    if (entry.Name == name)
      return entry.Value;
  }
  return std::nullopt;
}

std::vector<std::string> ElfImage::symbolsWithPrefix(const std::string &prefix) const {
  std::vector<std::string> names;
  for (const elf::Symbol &entry : symbols_) {
    if (entry.Name.compare(0, prefix.size(), prefix) == 0)
      names.push_back(entry.Name);
  }
  return names;
}

namespace {

constexpr char wedgeSymbolPrefix[] = "afterburner_wedge_";

std::string missingWedgeMessage(const ElfImage &image, const std::string &wedgeName) {
  std::string message = "the image has no symbol " + std::string(wedgeSymbolPrefix) + wedgeName +
                        " (it does not link that wedge, or was stripped)";
  const auto available = image.symbolsWithPrefix(wedgeSymbolPrefix);
  if (available.empty())
    return message;
  message += "; wedges in the image:";
  for (const std::string &name : available)
    message += " " + name.substr(sizeof wedgeSymbolPrefix - 1);
  return message;
}

// Reads the wedge table (host copy; its pointers stay image addresses).
bool readWedge(const ElfImage &image, const std::string &wedgeName, afterburner_wedge &wedge,
               std::string &error) {
  const auto address = image.symbol(wedgeSymbolPrefix + wedgeName);
  if (!address) {
    error = missingWedgeMessage(image, wedgeName);
    return false;
  }
  if (!loader::readImage(image.map(), *address, &wedge, sizeof wedge)) {
    error = "the wedge table " + std::string(wedgeSymbolPrefix) + wedgeName +
            " is not in a loadable file-backed segment";
    return false;
  }
  if (wedge.abi_version != AFTERBURNER_WEDGE_ABI_VERSION) {
    error = "the wedge table has abi_version " + std::to_string(wedge.abi_version) +
            ", this tool needs " + std::to_string(AFTERBURNER_WEDGE_ABI_VERSION);
    return false;
  }
  return true;
}

size_t recordCapacity(const ElfImage &image) {
  size_t bytes = 0;
  for (const auto &stream : image.noteStreams())
    bytes += stream.end - stream.start;
  return bytes / AFTERBURNER_SITE_RECORD_SIZE + 1;
}

void fillPatchState(const ElfImage &image, const loader::PatchStateNote &note,
                    const std::string &wedgeName, uint32_t patched) {
  afterburner_patch_state state = {};
  std::memcpy(state.wedge, wedgeName.data(), wedgeName.size());
  state.patched_sites = patched;
  uint8_t *destination = loader::mapImage(image.map(), note.address, sizeof state);
  loader::textWrite(destination, reinterpret_cast<const uint8_t *>(&state), sizeof state);
}

bool checkPreconditions(const ElfImage &image, const std::string &wedgeName,
                        loader::PatchStateNote &patchState, std::string &error) {
  if (wedgeName.empty() || wedgeName.size() >= AFTERBURNER_WEDGE_NAME_SIZE) {
    error = "a wedge name has 1 to 15 characters";
    return false;
  }
  if (image.noteStreams().empty()) {
    error = "the image has no notes (no PT_NOTE segment, no allocated SHT_NOTE section)";
    return false;
  }
  const auto &streams = image.noteStreams();
  patchState = loader::findPatchState(image.map(), streams.data(), streams.size());
  if (patchState.address == 0) {
    error = "the image has no PATCH_STATE note: link it with the loader library "
            "(libafterburner_loader.a) and keep .note.afterburner (loader/afterburner_notes.ld)";
    return false;
  }
  if (patchState.filled()) {
    error = "the image is already pre-patched for " + std::string(patchState.state.wedge);
    return false;
  }
  return true;
}

} // namespace

namespace {

loader::SiteTable collectImageSites(const ElfImage &image, std::vector<loader::SiteEntry> &entries,
                                    loader::Diagnostics &diagnostics) {
  const auto &streams = image.noteStreams();
  entries.resize(recordCapacity(image));
  loader::SiteTableInput input;
  input.map = image.map();
  input.text = image.text();
  input.streams = streams.data();
  input.streamCount = streams.size();
  loader::SiteTable table;
  table.entries = entries.data();
  table.capacity = entries.size();
  loader::collectSites(input, table, diagnostics);
  return table;
}

std::string summaryLine(const std::string &wedgeName, const loader::SiteTable &table,
                        const loader::PatchCounts &counts) {
  loader::Summary summary;
  summary.wedge = wedgeName.c_str();
  summary.sites = table.records;
  summary.patched = counts.patched;
  summary.native = counts.native;
  summary.rejected = table.rejected + counts.failed;
  summary.opCounts = counts.opSites;
  char line[1536];
  return std::string(line, loader::formatSummary(summary, line, sizeof line));
}

std::string diagnosticsText(const loader::Diagnostics &diagnostics) {
  std::string text = diagnostics.text();
  if (diagnostics.droppedLines() > 0)
    text += "afterburner: " + std::to_string(diagnostics.droppedLines()) + " more messages\n";
  return text;
}

} // namespace

PatchOutcome patchImage(ElfImage &image, const std::string &wedgeName) {
  PatchOutcome outcome;
  loader::PatchStateNote patchState;
  afterburner_wedge wedge;
  if (!checkPreconditions(image, wedgeName, patchState, outcome.error) ||
      !readWedge(image, wedgeName, wedge, outcome.error))
    return outcome;

  std::vector<loader::SiteEntry> entries;
  auto diagnostics = std::make_unique<loader::Diagnostics>();
  const loader::SiteTable table = collectImageSites(image, entries, *diagnostics);
  loader::PatchOptions options;
  options.map = image.map();
  options.wedge = &wedge;
  options.markPrepatched = true;
  loader::PatchCounts counts;
  {
    loader::TextWriteSession session(nullptr);
    loader::patchSites(options, table, counts, *diagnostics);
    fillPatchState(image, patchState, wedgeName, counts.patched);
  }
  outcome.summary = summaryLine(wedgeName, table, counts);
  outcome.diagnostics = diagnosticsText(*diagnostics);
  outcome.patched = counts.patched;
  outcome.ok = true;
  return outcome;
}

} // namespace afterburner::tool
