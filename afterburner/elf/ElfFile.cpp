// ElfFile.cpp: the ELF reader. Every read is bounds-checked: a truncated or corrupt file
// gives an error, never a crash.
#include "afterburner/elf/ElfFile.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace afterburner::elf {
namespace {

constexpr uint32_t sectionTypeNote = 7;
constexpr uint32_t sectionTypeNoBits = 8;
constexpr uint32_t sectionTypeRela = 4;
constexpr uint32_t sectionTypeRel = 9;
constexpr uint32_t sectionTypeSymbolTable = 2;
constexpr uint64_t sectionFlagAlloc = 0x2;
constexpr uint32_t segmentTypeLoad = 1;

uint64_t alignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

bool fits(uint64_t offset, uint64_t size, size_t total) {
  return offset <= total && size <= total - offset;
}

} // namespace

bool ElfFile::isElf(const std::vector<uint8_t> &bytes) {
  return bytes.size() >= 16 && !std::memcmp(bytes.data(),
                                            "\x7f"
                                            "ELF",
                                            4);
}

std::unique_ptr<ElfFile> ElfFile::open(const std::string &path, std::string &error) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    error = path + ": cannot open: " + std::strerror(errno);
    return nullptr;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(stream)),
                             std::istreambuf_iterator<char>());
  return parse(path, std::move(bytes), error);
}

std::unique_ptr<ElfFile> ElfFile::parse(std::string name, std::vector<uint8_t> bytes,
                                        std::string &error) {
  std::unique_ptr<ElfFile> file(new ElfFile());
  file->fileName = std::move(name);
  file->image = std::move(bytes);
  if (!file->readHeaders(error)) {
    error = file->fileName + ": " + error;
    return nullptr;
  }
  return file;
}

uint64_t ElfFile::read(uint64_t offset, unsigned size) const {
  uint64_t value = 0;
  for (unsigned byte = 0; byte < size; ++byte)
    value |= uint64_t(image[offset + byte]) << (8 * byte);
  return value;
}

bool ElfFile::readHeaders(std::string &error) {
  if (!isElf(image)) {
    error = "not an ELF file";
    return false;
  }
  if (image[4] != 1 && image[4] != 2) {
    error = "unknown ELF class";
    return false;
  }
  if (image[5] != 1) {
    error = "not a little-endian ELF file";
    return false;
  }
  elf64 = image[4] == 2;
  size_t headerSize = elf64 ? 64 : 52;
  if (image.size() < headerSize) {
    error = "truncated ELF header";
    return false;
  }
  unsigned word = elf64 ? 8 : 4;
  fileType = static_cast<uint16_t>(read(16, 2));
  fileMachine = static_cast<uint16_t>(read(18, 2));
  entryPoint = read(24, word);
  uint64_t programOffset = read(24 + word, word);
  uint64_t sectionOffset = read(24 + 2 * word, word);
  uint64_t at = 24 + 3 * word + 4 + 2; // e_flags, e_ehsize
  uint64_t programEntrySize = read(at, 2), programCount = read(at + 2, 2);
  uint64_t sectionEntrySize = read(at + 4, 2), sectionCount = read(at + 6, 2);
  uint64_t namesIndex = read(at + 8, 2);

  if (programCount && !fits(programOffset, programCount * programEntrySize, image.size())) {
    error = "program headers lie outside the file";
    return false;
  }
  for (uint64_t index = 0; index < programCount; ++index) {
    uint64_t base = programOffset + index * programEntrySize;
    ProgramHeader segment;
    segment.Type = static_cast<uint32_t>(read(base, 4));
    if (elf64) {
      segment.Flags = static_cast<uint32_t>(read(base + 4, 4));
      segment.Offset = read(base + 8, 8);
      segment.VirtualAddress = read(base + 16, 8);
      segment.PhysicalAddress = read(base + 24, 8);
      segment.FileSize = read(base + 32, 8);
      segment.MemorySize = read(base + 40, 8);
      segment.Alignment = read(base + 48, 8);
    } else {
      segment.Offset = read(base + 4, 4);
      segment.VirtualAddress = read(base + 8, 4);
      segment.PhysicalAddress = read(base + 12, 4);
      segment.FileSize = read(base + 16, 4);
      segment.MemorySize = read(base + 20, 4);
      segment.Flags = static_cast<uint32_t>(read(base + 24, 4));
      segment.Alignment = read(base + 28, 4);
    }
    segments.push_back(segment);
  }

  if (sectionCount && !fits(sectionOffset, sectionCount * sectionEntrySize, image.size())) {
    error = "section headers lie outside the file";
    return false;
  }
  std::vector<uint64_t> nameOffsets;
  for (uint64_t index = 0; index < sectionCount; ++index) {
    uint64_t base = sectionOffset + index * sectionEntrySize;
    Section section;
    section.Index = static_cast<unsigned>(index);
    nameOffsets.push_back(read(base, 4));
    section.Type = static_cast<uint32_t>(read(base + 4, 4));
    section.Flags = read(base + 8, word);
    section.Address = read(base + 8 + word, word);
    section.Offset = read(base + 8 + 2 * word, word);
    section.Size = read(base + 8 + 3 * word, word);
    section.Link = static_cast<uint32_t>(read(base + 8 + 4 * word, 4));
    section.Info = static_cast<uint32_t>(read(base + 12 + 4 * word, 4));
    section.Alignment = read(base + 16 + 4 * word, word);
    section.EntrySize = read(base + 16 + 5 * word, word);
    if (section.Type != sectionTypeNoBits && !fits(section.Offset, section.Size, image.size())) {
      error = "section " + std::to_string(index) + " lies outside the file";
      return false;
    }
    sectionList.push_back(section);
  }
  if (namesIndex < sectionList.size()) {
    const Section &names = sectionList[namesIndex];
    for (Section &section : sectionList) {
      for (uint64_t at = names.Offset + nameOffsets[section.Index];
           at < names.Offset + names.Size && image[at]; ++at)
        section.Name.push_back(static_cast<char>(image[at]));
    }
  }
  return true;
}

const Section *ElfFile::findSection(const std::string &sectionName) const {
  for (const Section &section : sectionList)
    if (section.Name == sectionName)
      return &section;
  return nullptr;
}

const Section *ElfFile::sectionAt(uint64_t address) const {
  for (const Section &section : sectionList)
    if ((section.Flags & sectionFlagAlloc) && section.Size && address >= section.Address &&
        address < section.Address + section.Size)
      return &section;
  return nullptr;
}

ByteRange ElfFile::sectionBytes(const Section &section) const {
  if (section.Type == sectionTypeNoBits)
    return {};
  return {image.data() + section.Offset, static_cast<size_t>(section.Size)};
}

std::vector<Symbol> ElfFile::symbols() const {
  std::vector<Symbol> result;
  for (const Section &table : sectionList) {
    if (table.Type != sectionTypeSymbolTable || table.Link >= sectionList.size())
      continue;
    const Section &strings = sectionList[table.Link];
    uint64_t entrySize = elf64 ? 24 : 16;
    for (uint64_t at = table.Offset; at + entrySize <= table.Offset + table.Size; at += entrySize) {
      Symbol symbol;
      uint64_t nameOffset = read(at, 4);
      if (elf64) {
        symbol.Type = image[at + 4] & 0xf;
        symbol.Binding = image[at + 4] >> 4;
        symbol.SectionIndex = static_cast<uint16_t>(read(at + 6, 2));
        symbol.Value = read(at + 8, 8);
        symbol.Size = read(at + 16, 8);
      } else {
        symbol.Value = read(at + 4, 4);
        symbol.Size = read(at + 8, 4);
        symbol.Type = image[at + 12] & 0xf;
        symbol.Binding = image[at + 12] >> 4;
        symbol.SectionIndex = static_cast<uint16_t>(read(at + 14, 2));
      }
      for (uint64_t name = strings.Offset + nameOffset;
           name < strings.Offset + strings.Size && image[name]; ++name)
        symbol.Name.push_back(static_cast<char>(image[name]));
      result.push_back(symbol);
    }
    break;
  }
  return result;
}

std::vector<Relocation> ElfFile::relocationsFor(const Section &target) const {
  std::vector<Relocation> result;
  for (const Section &section : sectionList) {
    bool rela = section.Type == sectionTypeRela;
    if ((!rela && section.Type != sectionTypeRel) || section.Info != target.Index)
      continue;
    uint64_t entrySize = elf64 ? (rela ? 24 : 16) : (rela ? 12 : 8);
    for (uint64_t at = section.Offset; at + entrySize <= section.Offset + section.Size;
         at += entrySize) {
      Relocation relocation;
      relocation.ExplicitAddend = rela;
      relocation.Offset = read(at, elf64 ? 8 : 4);
      uint64_t info = read(at + (elf64 ? 8 : 4), elf64 ? 8 : 4);
      relocation.Type = static_cast<uint32_t>(elf64 ? info & 0xffffffff : info & 0xff);
      relocation.SymbolIndex = static_cast<uint32_t>(elf64 ? info >> 32 : info >> 8);
      if (rela) {
        uint64_t addend = read(at + (elf64 ? 16 : 8), elf64 ? 8 : 4);
        relocation.Addend = elf64 ? static_cast<int64_t>(addend)
                                  : static_cast<int64_t>(static_cast<int32_t>(addend));
      }
      result.push_back(relocation);
    }
  }
  return result;
}

std::vector<Note> ElfFile::parseNotes(uint64_t offset, uint64_t size) const {
  std::vector<Note> result;
  if (!fits(offset, size, image.size()))
    return result;
  uint64_t at = 0;
  while (at + 12 <= size) {
    uint64_t nameSize = read(offset + at, 4), descriptorSize = read(offset + at + 4, 4);
    Note note;
    note.Type = static_cast<uint32_t>(read(offset + at + 8, 4));
    uint64_t nameAt = at + 12;
    uint64_t descriptorAt = nameAt + alignUp(nameSize, 4);
    if (descriptorAt > size || descriptorSize > size - descriptorAt)
      break; // malformed: stop rather than read past the section
    for (uint64_t byte = 0; byte < nameSize && image[offset + nameAt + byte]; ++byte)
      note.Owner.push_back(static_cast<char>(image[offset + nameAt + byte]));
    note.Descriptor = {image.data() + offset + descriptorAt, static_cast<size_t>(descriptorSize)};
    note.DescriptorOffset = descriptorAt;
    result.push_back(note);
    at = descriptorAt + alignUp(descriptorSize, 4);
  }
  return result;
}

std::vector<Note> ElfFile::notes(const Section &section) const {
  if (section.Type != sectionTypeNote)
    return {};
  return parseNotes(section.Offset, section.Size);
}

std::vector<Note> ElfFile::notes(const ProgramHeader &segment) const {
  return parseNotes(segment.Offset, segment.FileSize);
}

std::optional<uint64_t> ElfFile::fileOffsetOf(uint64_t address) const {
  for (const ProgramHeader &segment : segments)
    if (segment.Type == segmentTypeLoad && address >= segment.VirtualAddress &&
        address < segment.VirtualAddress + segment.FileSize)
      return segment.Offset + (address - segment.VirtualAddress);
  return std::nullopt;
}

} // namespace afterburner::elf
