// TestSupport.cpp: helpers for the assembler tests.
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

namespace afterburner::test {

RunResult run(const std::string &command) {
  RunResult result;
  FILE *pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe)
    return result;
  std::array<char, 4096> buffer;
  size_t count;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.Output.append(buffer.data(), count);
  int status = ::pclose(pipe);
  result.ExitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string inputPath(const std::string &name) {
  return std::string(AFTERBURNER_TEST_INPUTS) + "/" + name;
}

std::string scratchDirectory() {
  const ::testing::TestInfo *info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "-" + info->name();
  for (char &character : name)
    if (character == '/')
      character = '_';
  std::string directory =
      std::string(::testing::TempDir()) + "afterburner-" + std::to_string(::getpid()) + "-" + name;
  // Emptied once per test, so several calls in one test share it.
  static std::string prepared;
  if (prepared != directory)
    run("rm -rf '" + directory + "' && mkdir -p '" + directory + "'");
  prepared = directory;
  return directory;
}

bool fileExists(const std::string &path) {
  struct stat status;
  return ::stat(path.c_str(), &status) == 0;
}

std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream stream(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(stream)),
                              std::istreambuf_iterator<char>());
}

std::string assemble(const std::string &name, const std::string &options) {
  std::string output = scratchDirectory() + "/" + name + ".o";
  RunResult result = run(std::string(AFTERBURNER_AS_PATH) + " " + options + " -o '" + output +
                         "' '" + inputPath(name) + "'");
  EXPECT_EQ(result.ExitCode, 0) << result.Output;
  return output;
}

namespace {

// The section and offset a PC-relative field at `fieldOffset` of `noteSection` points to.
bool resolve(const elf::ElfFile &file, const std::vector<elf::Symbol> &symbols,
             const std::vector<elf::Relocation> &relocations, uint64_t fieldOffset, int32_t stored,
             std::string &section, int64_t &offset) {
  for (const elf::Relocation &relocation : relocations) {
    if (relocation.Offset != fieldOffset)
      continue;
    const elf::Symbol &symbol = symbols.at(relocation.SymbolIndex);
    section = file.sections().at(symbol.SectionIndex).Name;
    offset = static_cast<int64_t>(symbol.Value) +
             (relocation.ExplicitAddend ? relocation.Addend : stored);
    return true;
  }
  return false;
}

} // namespace

std::vector<Site> readSites(const std::string &objectPath) {
  std::vector<Site> sites;
  std::string error;
  std::unique_ptr<elf::ElfFile> file = elf::ElfFile::open(objectPath, error);
  EXPECT_TRUE(file) << error;
  if (!file)
    return sites;
  std::vector<elf::Symbol> symbols = file->symbols();
  for (const elf::Section &section : file->sections()) {
    if (section.Name != AFTERBURNER_NOTE_SECTION)
      continue;
    std::vector<elf::Relocation> relocations = file->relocationsFor(section);
    for (const elf::Note &note : file->notes(section)) {
      EXPECT_EQ(note.Owner, AFTERBURNER_NOTE_NAME);
      EXPECT_EQ(note.Type, AFTERBURNER_NOTE_TYPE_SITES);
      EXPECT_EQ(note.Descriptor.Size % AFTERBURNER_SITE_RECORD_SIZE, 0u);
      for (size_t at = 0; at + AFTERBURNER_SITE_RECORD_SIZE <= note.Descriptor.Size;
           at += AFTERBURNER_SITE_RECORD_SIZE) {
        Site site;
        std::memcpy(&site.Record, note.Descriptor.Data + at, sizeof site.Record);
        site.NoteSection = section.Name + "#" + std::to_string(section.Index);
        int64_t offset = 0;
        uint64_t field = note.DescriptorOffset + at;
        EXPECT_TRUE(resolve(*file, symbols, relocations, field, site.Record.site_offset,
                            site.Section, offset))
            << "no relocation for site_offset";
        site.Offset = static_cast<uint64_t>(offset);
        if (site.Record.operand_form == AFTERBURNER_OPERAND_MEMORY_SELF_RELATIVE) {
          EXPECT_TRUE(resolve(*file, symbols, relocations, field + 20, site.Record.displacement,
                              site.TargetSection, site.TargetOffset));
        }
        const elf::Section *code = file->findSection(site.Section);
        if (code && site.Offset + site.Record.site_length <= code->Size) {
          elf::ByteRange bytes = file->sectionBytes(*code);
          site.Bytes.assign(bytes.Data + site.Offset,
                            bytes.Data + site.Offset + site.Record.site_length);
        }
        sites.push_back(site);
      }
    }
  }
  return sites;
}

std::vector<uint8_t> canonicalPadding(unsigned count, unsigned mode) {
  static const std::vector<std::vector<uint8_t>> nops = {
      {AFTERBURNER_NOP1}, {AFTERBURNER_NOP2}, {AFTERBURNER_NOP3},
      {AFTERBURNER_NOP4}, {AFTERBURNER_NOP5}, {AFTERBURNER_NOP6},
      {AFTERBURNER_NOP7}, {AFTERBURNER_NOP8}, {AFTERBURNER_NOP9}};
  std::vector<uint8_t> padding;
  if (mode == 16)
    return std::vector<uint8_t>(count, AFTERBURNER_NOP1);
  while (count) {
    unsigned length = count > 9 ? 9 : count;
    padding.insert(padding.end(), nops[length - 1].begin(), nops[length - 1].end());
    count -= length;
  }
  return padding;
}

} // namespace afterburner::test
