// Replays the fuzz target over its seed corpus (and every file of
// AFTERBURNER_FUZZ_CORPUS_EXTRA, if set) with the project's compiler: the fuzz entry
// point stays compiled and the seeds stay crash-free even without libFuzzer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

std::vector<std::filesystem::path> corpusFiles() {
  std::vector<std::filesystem::path> files;
  std::vector<std::string> directories = {AFTERBURNER_FUZZ_CORPUS};
  if (const char *extra = std::getenv("AFTERBURNER_FUZZ_CORPUS_EXTRA"))
    directories.push_back(extra);
  for (const std::string &directory : directories) {
    if (!std::filesystem::is_directory(directory))
      continue;
    for (const auto &entry : std::filesystem::directory_iterator(directory))
      files.push_back(entry.path());
  }
  return files;
}

TEST(NoteParserFuzzReplay, SeedCorpusRunsCleanly) {
  const auto files = corpusFiles();
  ASSERT_FALSE(files.empty());
  for (const auto &file : files) {
    std::ifstream stream(file, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(stream)),
                                     std::istreambuf_iterator<char>());
    SCOPED_TRACE(file.string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0);
  }
}

TEST(NoteParserFuzzReplay, EveryPrefixOfASeedRunsCleanly) {
  for (const auto &file : corpusFiles()) {
    std::ifstream stream(file, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(stream)),
                                     std::istreambuf_iterator<char>());
    for (size_t length = 0; length <= bytes.size(); ++length)
      LLVMFuzzerTestOneInput(bytes.data(), length);
  }
  SUCCEED();
}

} // namespace
