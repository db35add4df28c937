// ElfImageTest.cpp: kernel ELF reading (wedges/akaros/host/ElfImage.cpp), on this
// test binary itself (a non-PIE x86-64 executable) and on bad input.
#include "ElfImage.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

extern "C" int elfImageTestMarker() {
  return 42;
}

namespace afterburner::akaros {
namespace {

std::string writeFile(const std::string &name, const std::string &bytes) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(ElfImageTest, FindsSymbolsAndSectionsOfAnExecutable) {
  std::string error;
  auto image = ElfImage::read("/proc/self/exe", error);
  ASSERT_TRUE(image) << error;
  auto marker = image->symbol("elfImageTestMarker");
  ASSERT_TRUE(marker);
  EXPECT_EQ(*marker, reinterpret_cast<uint64_t>(&elfImageTestMarker));
  EXPECT_FALSE(image->symbol("noSuchSymbolAnywhere"));
  auto text = image->section(".text");
  ASSERT_TRUE(text);
  EXPECT_LE(text->address, *marker);
  EXPECT_GT(text->address + text->bytes, *marker);
}

TEST(ElfImageTest, RefusesWhatIsNotAnElf) {
  std::string error;
  EXPECT_FALSE(ElfImage::read(writeFile("not-elf", "hello, world"), error));
  EXPECT_NE(error.find("not an ELF file"), std::string::npos) << error;
  EXPECT_FALSE(ElfImage::read(::testing::TempDir() + "does-not-exist", error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

TEST(ElfImageTest, RefusesA32BitElf) {
  std::string header(64, '\0');
  header.replace(0, 4,
                 "\x7f"
                 "ELF");
  header[4] = 1; // ELFCLASS32
  std::string error;
  EXPECT_FALSE(ElfImage::read(writeFile("elf32", header), error));
  EXPECT_NE(error.find("not a 64-bit x86 ELF"), std::string::npos) << error;
}

TEST(ElfImageTest, RefusesToLoadOverLiveMemory) {
  std::string error;
  auto image = ElfImage::read("/proc/self/exe", error);
  ASSERT_TRUE(image) << error;
  // This very executable is mapped at its link address already.
  EXPECT_FALSE(image->load(1ull << 46, error));
  EXPECT_NE(error.find("cannot map PT_LOAD"), std::string::npos) << error;
}

} // namespace
} // namespace afterburner::akaros
