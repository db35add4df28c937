// ImagePatcher.cpp: see ImagePatcher.h.
#include "ImagePatcher.h"

#include "patcher.h"
#include "report.h"
#include "text_write.h"

#include <afterburner/wedge_abi.h>

#include <cstring>
#include <elf.h>
#include <memory>

namespace afterburner::tool {

namespace {

template <typename T> bool readAt(const std::vector<uint8_t> &bytes, uint64_t offset, T &value) {
  if (offset > bytes.size() || sizeof(T) > bytes.size() - offset)
    return false;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return true;
}

bool checkHeader(const std::vector<uint8_t> &bytes, Elf64_Ehdr &header, std::string &error) {
  if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
    error = "not an ELF file";
    return false;
  }
  if (!readAt(bytes, 0, header) || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB || header.e_machine != EM_X86_64) {
    error = "not a little-endian ELF64 x86-64 file";
    return false;
  }
  if (header.e_type != ET_EXEC && header.e_type != ET_DYN) {
    error = "not a linked image (ELF type " + std::to_string(header.e_type) +
            "); link the objects first";
    return false;
  }
  return true;
}

} // namespace

std::optional<ElfImage> ElfImage::parse(std::vector<uint8_t> bytes, std::string &error) {
  ElfImage image;
  image.bytes_ = std::move(bytes);
  if (!image.readSegments(error))
    return std::nullopt;
  image.readSections();
  return image;
}

bool ElfImage::readSegments(std::string &error) {
  Elf64_Ehdr header;
  if (!checkHeader(bytes_, header, error))
    return false;
  uint64_t textStart = UINT64_MAX;
  uint64_t textEnd = 0;
  for (unsigned index = 0; index < header.e_phnum; ++index) {
    Elf64_Phdr segment;
    if (!readAt(bytes_, header.e_phoff + uint64_t(index) * header.e_phentsize, segment)) {
      error = "program header " + std::to_string(index) + " lies outside the file";
      return false;
    }
    if (segment.p_type == PT_NOTE && segment.p_filesz > 0)
      notes_.push_back({segment.p_vaddr, segment.p_vaddr + segment.p_filesz});
    if (segment.p_type != PT_LOAD)
      continue;
    if (segment.p_offset > bytes_.size() || segment.p_filesz > bytes_.size() - segment.p_offset) {
      error = "loadable segment " + std::to_string(index) + " lies outside the file";
      return false;
    }
    loadSegments_.push_back({segment.p_offset, segment.p_vaddr});
    loadSizes_.push_back(segment.p_filesz);
    if (segment.p_flags & PF_X) {
      textStart = std::min<uint64_t>(textStart, segment.p_vaddr);
      textEnd = std::max<uint64_t>(textEnd, segment.p_vaddr + segment.p_memsz);
    }
  }
  if (textEnd == 0) {
    error = "no executable loadable segment";
    return false;
  }
  text_ = {textStart, textEnd};
  rebuildRanges();
  return true;
}

void ElfImage::readSections() {
  Elf64_Ehdr header;
  readAt(bytes_, 0, header);
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  for (unsigned index = 0; index < header.e_shnum; ++index) {
    if (!readAt(bytes_, header.e_shoff + uint64_t(index) * header.e_shentsize, sections[index]))
      return;
  }
  const bool noNoteSegment = notes_.empty();
  for (const Elf64_Shdr &section : sections) {
    if (noNoteSegment && section.sh_type == SHT_NOTE && (section.sh_flags & SHF_ALLOC))
      notes_.push_back({section.sh_addr, section.sh_addr + section.sh_size});
    if (section.sh_type != SHT_SYMTAB || section.sh_link >= sections.size())
      continue;
    const Elf64_Shdr &strings = sections[section.sh_link];
    for (uint64_t offset = 0; offset + sizeof(Elf64_Sym) <= section.sh_size;
         offset += sizeof(Elf64_Sym)) {
      Elf64_Sym symbol;
      if (!readAt(bytes_, section.sh_offset + offset, symbol) || symbol.st_name >= strings.sh_size)
        break;
      const char *name = reinterpret_cast<const char *>(bytes_.data() + strings.sh_offset +
                                                        symbol.st_name);
      const size_t length = strnlen(name, strings.sh_size - symbol.st_name);
      symbols_.push_back({std::string(name, length), symbol.st_value});
    }
  }
}

void ElfImage::rebuildRanges() const {
  ranges_.clear();
  for (size_t index = 0; index < loadSegments_.size(); ++index) {
    const uintptr_t host = reinterpret_cast<uintptr_t>(bytes_.data()) + loadSegments_[index].first;
    ranges_.push_back({loadSegments_[index].second, loadSizes_[index], host});
  }
}

loader::ImageMap ElfImage::map() const {
  rebuildRanges();
  return {ranges_.data(), ranges_.size()};
}

std::optional<uint64_t> ElfImage::symbol(const std::string &name) const {
  for (const auto &[symbolName, value] : symbols_) {
    if (symbolName == name)
      return value;
  }
  return std::nullopt;
}

std::vector<std::string> ElfImage::symbolsWithPrefix(const std::string &prefix) const {
  std::vector<std::string> names;
  for (const auto &entry : symbols_) {
    if (entry.first.compare(0, prefix.size(), prefix) == 0)
      names.push_back(entry.first);
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

PatchOutcome patchImage(ElfImage &image, const std::string &wedgeName) {
  PatchOutcome outcome;
  loader::PatchStateNote patchState;
  afterburner_wedge wedge;
  if (!checkPreconditions(image, wedgeName, patchState, outcome.error) ||
      !readWedge(image, wedgeName, wedge, outcome.error))
    return outcome;

  const auto &streams = image.noteStreams();
  std::vector<loader::SiteEntry> entries(recordCapacity(image));
  loader::SiteTableInput input;
  input.map = image.map();
  input.text = image.text();
  input.streams = streams.data();
  input.streamCount = streams.size();
  loader::SiteTable table;
  table.entries = entries.data();
  table.capacity = entries.size();
  auto diagnostics = std::make_unique<loader::Diagnostics>();
  loader::collectSites(input, table, *diagnostics);

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

  loader::Summary summary;
  summary.wedge = wedgeName.c_str();
  summary.sites = table.records;
  summary.patched = counts.patched;
  summary.native = counts.native;
  summary.rejected = table.rejected + counts.failed;
  summary.opCounts = counts.opSites;
  char line[1536];
  outcome.summary.assign(line, loader::formatSummary(summary, line, sizeof line));
  outcome.diagnostics = diagnostics->text();
  outcome.patched = counts.patched;
  outcome.ok = true;
  return outcome;
}

} // namespace afterburner::tool
