// ElfFileTest.cpp: the ELF and archive reader on objects, archives and linked images.
#include "afterburner/elf/ElfFile.h"
#include "afterburner/elf/Archive.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

namespace afterburner {
namespace {

TEST(ElfFile, ReadsSectionsSymbolsRelocationsAndNotes) {
  std::string object = test::assemble("determinism.s", "--64");
  std::string error;
  auto file = elf::ElfFile::open(object, error);
  ASSERT_TRUE(file) << error;
  EXPECT_TRUE(file->is64());
  EXPECT_TRUE(file->isRelocatable());
  EXPECT_EQ(file->machine(), 62 /* EM_X86_64 */);
  const elf::Section *notes = file->findSection(AFTERBURNER_NOTE_SECTION);
  ASSERT_TRUE(notes);
  EXPECT_EQ(notes->Type, 7u);
  EXPECT_EQ(notes->Flags & 0x2, 0x2u) << "SHF_ALLOC";
  EXPECT_EQ(notes->Alignment, 4u);
  std::vector<elf::Note> list = file->notes(*notes);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].Owner, AFTERBURNER_NOTE_NAME);
  EXPECT_EQ(list[0].Descriptor.Size, 8u * AFTERBURNER_SITE_RECORD_SIZE);
  // site_offset of every record plus the RIP-relative displacement of lidt.
  EXPECT_EQ(file->relocationsFor(*notes).size(), 9u);
  bool foundFunction = false;
  for (const elf::Symbol &symbol : file->symbols())
    foundFunction |= symbol.Name == "f" && symbol.Binding == 1;
  EXPECT_TRUE(foundFunction);
}

TEST(ElfFile, Reads32BitObjects) {
  std::string error;
  auto file = elf::ElfFile::open(test::assemble("ops-32.s", "--32"), error);
  ASSERT_TRUE(file) << error;
  EXPECT_FALSE(file->is64());
  EXPECT_EQ(file->machine(), 3 /* EM_386 */);
  // One PC-relative site_offset per site: every op of 32-bit code.
  EXPECT_EQ(file->relocationsFor(*file->findSection(AFTERBURNER_NOTE_SECTION)).size(), 69u);
}

TEST(ElfFile, ReadsProgramHeadersOfLinkedImages) {
  std::string object = test::assemble("patch-state.s", "--64 --no-sites");
  std::string image = object + ".elf";
  ASSERT_EQ(test::run("ld -o " + image + " -Ttext=0x100000 " + object).ExitCode, 0);
  std::string error;
  auto file = elf::ElfFile::open(image, error);
  ASSERT_TRUE(file) << error;
  EXPECT_FALSE(file->isRelocatable());
  EXPECT_FALSE(file->programHeaders().empty());
  EXPECT_EQ(file->sectionAt(0x100000)->Name, ".text");
  EXPECT_TRUE(file->fileOffsetOf(0x100000).has_value());
}

TEST(ElfFile, RejectsCorruptFilesWithoutCrashing) {
  std::vector<uint8_t> bytes = test::readBytes(test::assemble("regions.s", "--64"));
  std::string error;
  for (size_t size : {size_t(0), size_t(10), size_t(63), bytes.size() / 2}) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + size);
    auto file = elf::ElfFile::parse("truncated", truncated, error);
    if (file) // a prefix may still be a valid header; reading it must stay in bounds
      for (const elf::Section &section : file->sections())
        file->notes(section);
  }
  EXPECT_FALSE(elf::ElfFile::parse("text", {'h', 'i'}, error));
  EXPECT_NE(error.find("not an ELF file"), std::string::npos);
}

TEST(Archive, ReadsRegularAndThinArchives) {
  std::string first = test::assemble("regions.s", "--64");
  std::string second = test::assemble("comdat.s", "--64");
  std::string directory = first.substr(0, first.rfind('/'));
  for (const char *flags : {"rcs", "rcsT"}) {
    std::string archive = directory + "/lib-" + flags + ".a";
    ASSERT_EQ(test::run("rm -f " + archive + " && ar " + flags + " " + archive + " " + first + " " +
                        second)
                  .ExitCode,
              0);
    std::vector<elf::ArchiveMember> members;
    std::string error;
    std::vector<uint8_t> bytes = test::readBytes(archive);
    ASSERT_TRUE(elf::isArchive(bytes));
    ASSERT_TRUE(elf::readArchive(archive, bytes, members, error)) << error;
    ASSERT_EQ(members.size(), 2u) << flags;
    EXPECT_TRUE(elf::ElfFile::isElf(members[0].Bytes));
    EXPECT_EQ(members[1].Bytes, test::readBytes(second)) << flags;
  }
}

} // namespace
} // namespace afterburner
