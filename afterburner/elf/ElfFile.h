// ElfFile.h: a small reader of little-endian ELF32/ELF64 files (objects and linked
// images): sections with names, flags, addresses and bytes; symbols; relocations of
// relocatable objects; program headers; notes. Hosted code, no LLVM dependency.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace afterburner::elf {

// A view of bytes inside an ElfFile (valid as long as the file lives).
struct ByteRange {
  const uint8_t *Data = nullptr;
  size_t Size = 0;
};

struct Section {
  unsigned Index = 0;
  std::string Name;
  uint32_t Type = 0;  // SHT_*
  uint64_t Flags = 0; // SHF_*
  uint64_t Address = 0;
  uint64_t Offset = 0; // in the file
  uint64_t Size = 0;
  uint32_t Link = 0;
  uint32_t Info = 0;
  uint64_t Alignment = 0;
  uint64_t EntrySize = 0;
};

struct Symbol {
  std::string Name;
  uint64_t Value = 0;
  uint64_t Size = 0;
  uint8_t Type = 0;    // STT_*
  uint8_t Binding = 0; // STB_*
  uint16_t SectionIndex = 0;
};

struct Relocation {
  uint64_t Offset = 0; // in the target section
  uint32_t Type = 0;
  uint32_t SymbolIndex = 0;
  int64_t Addend = 0; // RELA: explicit; REL: 0 (the addend is in the section bytes)
  bool ExplicitAddend = false;
};

struct ProgramHeader {
  uint32_t Type = 0;
  uint32_t Flags = 0;
  uint64_t Offset = 0;
  uint64_t VirtualAddress = 0;
  uint64_t PhysicalAddress = 0;
  uint64_t FileSize = 0;
  uint64_t MemorySize = 0;
  uint64_t Alignment = 0;
};

struct Note {
  std::string Owner;
  uint32_t Type = 0;
  ByteRange Descriptor;
  uint64_t DescriptorOffset = 0; // offset of the descriptor within its section/segment
};

class ElfFile {
public:
  // Parses an image in memory; returns null and sets `error` if it is not a valid
  // little-endian ELF file. `name` is used in messages.
  static std::unique_ptr<ElfFile> parse(std::string name, std::vector<uint8_t> bytes,
                                        std::string &error);
  static std::unique_ptr<ElfFile> open(const std::string &path, std::string &error);
  static bool isElf(const std::vector<uint8_t> &bytes);

  const std::string &name() const { return fileName; }
  bool is64() const { return elf64; }
  uint16_t type() const { return fileType; } // ET_REL, ET_EXEC, ET_DYN
  uint16_t machine() const { return fileMachine; }
  uint64_t entry() const { return entryPoint; }
  bool isRelocatable() const { return fileType == 1; }

  const std::vector<Section> &sections() const { return sectionList; }
  const Section *findSection(const std::string &sectionName) const;
  // The allocated section containing an address of a linked image, or null.
  const Section *sectionAt(uint64_t address) const;
  ByteRange sectionBytes(const Section &section) const;
  const std::vector<ProgramHeader> &programHeaders() const { return segments; }

  // The .symtab symbols (index 0 is the null symbol).
  std::vector<Symbol> symbols() const;
  // Relocations that apply to `target` (from every SHT_REL/SHT_RELA section whose sh_info
  // names it).
  std::vector<Relocation> relocationsFor(const Section &target) const;
  // Notes of an SHT_NOTE section, or of a PT_NOTE segment.
  std::vector<Note> notes(const Section &section) const;
  std::vector<Note> notes(const ProgramHeader &segment) const;

  // File offset of a virtual address of a linked image (through PT_LOAD), if mapped.
  std::optional<uint64_t> fileOffsetOf(uint64_t address) const;
  const std::vector<uint8_t> &bytes() const { return image; }
  std::vector<uint8_t> &mutableBytes() { return image; }

private:
  bool readHeaders(std::string &error);
  std::vector<Note> parseNotes(uint64_t offset, uint64_t size) const;
  uint64_t read(uint64_t offset, unsigned size) const;

  std::string fileName;
  std::vector<uint8_t> image;
  bool elf64 = true;
  uint16_t fileType = 0;
  uint16_t fileMachine = 0;
  uint64_t entryPoint = 0;
  std::vector<Section> sectionList;
  std::vector<ProgramHeader> segments;
};

} // namespace afterburner::elf
