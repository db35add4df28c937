// ElfImage.cpp: see ElfImage.h.
#include "ElfImage.h"

#include <elf.h>
#include <sys/mman.h>

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <fstream>
#include <iterator>

namespace afterburner::akaros {
namespace {

constexpr uint64_t kPageSize = 4096;

std::string describe(const std::string &path, const std::string &what) {
  return path + ": " + what;
}

bool inFile(const std::vector<uint8_t> &bytes, uint64_t offset, uint64_t size) {
  return offset <= bytes.size() && size <= bytes.size() - offset;
}

} // namespace

std::optional<ElfImage> ElfImage::read(const std::string &path, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = describe(path, std::string("cannot open: ") + std::strerror(errno));
    return std::nullopt;
  }
  ElfImage image;
  image.path_ = path;
  image.bytes_.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  const auto &bytes = image.bytes_;
  if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
    error = describe(path, "not an ELF file");
    return std::nullopt;
  }
  Elf64_Ehdr header;
  std::memcpy(&header, bytes.data(), sizeof header);
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_machine != EM_X86_64) {
    error = describe(path, "not a 64-bit x86 ELF (the vthread host starts kernels in long mode)");
    return std::nullopt;
  }
  if (header.e_type != ET_EXEC ||
      !inFile(bytes, header.e_phoff, uint64_t(header.e_phnum) * sizeof(Elf64_Phdr))) {
    error = describe(path, "not a statically linked executable with program headers");
    return std::nullopt;
  }
  image.entry_ = header.e_entry;
  return image;
}

bool ElfImage::load(uint64_t limit, std::string &error) {
  Elf64_Ehdr header;
  std::memcpy(&header, bytes_.data(), sizeof header);
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, bytes_.data() + header.e_phoff + i * sizeof segment, sizeof segment);
    if (segment.p_type != PT_LOAD || segment.p_memsz == 0)
      continue;
    if (segment.p_paddr != segment.p_vaddr) {
      error = describe(path_, "PT_LOAD " + std::to_string(i) +
                                  " has p_vaddr != p_paddr; a vthread runs identity-mapped");
      return false;
    }
    if (!inFile(bytes_, segment.p_offset, segment.p_filesz) || segment.p_filesz > segment.p_memsz) {
      error = describe(path_, "PT_LOAD " + std::to_string(i) + " lies outside the file");
      return false;
    }
    uint64_t start = segment.p_paddr & ~(kPageSize - 1);
    uint64_t end = (segment.p_paddr + segment.p_memsz + kPageSize - 1) & ~(kPageSize - 1);
    if (end > limit) {
      error = describe(path_,
                       "PT_LOAD " + std::to_string(i) + " ends above the physical-address limit");
      return false;
    }
    void *at =
        mmap(reinterpret_cast<void *>(start), end - start, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (at != reinterpret_cast<void *>(start)) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "cannot map PT_LOAD %u at [0x%" PRIx64 ", 0x%" PRIx64 "): %s", i, start, end,
                    at == MAP_FAILED ? std::strerror(errno) : "address in use");
      error = describe(path_, text);
      return false;
    }
    std::memcpy(reinterpret_cast<void *>(segment.p_paddr), bytes_.data() + segment.p_offset,
                segment.p_filesz);
    segments_.push_back({start, end - start});
  }
  if (segments_.empty()) {
    error = describe(path_, "no PT_LOAD segment");
    return false;
  }
  return true;
}

std::optional<uint64_t> ElfImage::symbol(const std::string &name) const {
  Elf64_Ehdr header;
  std::memcpy(&header, bytes_.data(), sizeof header);
  if (!inFile(bytes_, header.e_shoff, uint64_t(header.e_shnum) * sizeof(Elf64_Shdr)))
    return std::nullopt;
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr table;
    std::memcpy(&table, bytes_.data() + header.e_shoff + i * sizeof table, sizeof table);
    if (table.sh_type != SHT_SYMTAB || table.sh_link >= header.e_shnum)
      continue;
    Elf64_Shdr strings;
    std::memcpy(&strings, bytes_.data() + header.e_shoff + table.sh_link * sizeof strings,
                sizeof strings);
    if (!inFile(bytes_, table.sh_offset, table.sh_size) ||
        !inFile(bytes_, strings.sh_offset, strings.sh_size))
      return std::nullopt;
    for (uint64_t at = 0; at + sizeof(Elf64_Sym) <= table.sh_size; at += sizeof(Elf64_Sym)) {
      Elf64_Sym symbol;
      std::memcpy(&symbol, bytes_.data() + table.sh_offset + at, sizeof symbol);
      if (symbol.st_name >= strings.sh_size)
        continue;
      const char *text =
          reinterpret_cast<const char *>(bytes_.data() + strings.sh_offset + symbol.st_name);
      if (strnlen(text, strings.sh_size - symbol.st_name) == name.size() && name == text &&
          symbol.st_shndx != SHN_UNDEF)
        return symbol.st_value;
    }
  }
  return std::nullopt;
}

} // namespace afterburner::akaros

namespace afterburner::akaros {

std::optional<LoadedSegment> ElfImage::section(const std::string &name) const {
  Elf64_Ehdr header;
  std::memcpy(&header, bytes_.data(), sizeof header);
  if (!inFile(bytes_, header.e_shoff, uint64_t(header.e_shnum) * sizeof(Elf64_Shdr)) ||
      header.e_shstrndx >= header.e_shnum)
    return std::nullopt;
  Elf64_Shdr names;
  std::memcpy(&names, bytes_.data() + header.e_shoff + header.e_shstrndx * sizeof names,
              sizeof names);
  if (!inFile(bytes_, names.sh_offset, names.sh_size))
    return std::nullopt;
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr entry;
    std::memcpy(&entry, bytes_.data() + header.e_shoff + i * sizeof entry, sizeof entry);
    if (entry.sh_name >= names.sh_size)
      continue;
    const char *text =
        reinterpret_cast<const char *>(bytes_.data() + names.sh_offset + entry.sh_name);
    if (strnlen(text, names.sh_size - entry.sh_name) == name.size() && name == text)
      return LoadedSegment{entry.sh_addr, entry.sh_size};
  }
  return std::nullopt;
}

} // namespace afterburner::akaros
