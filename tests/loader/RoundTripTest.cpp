// The round trip: roundtrip/roundtrip.s -> afterburner-as -> linked with
// loader/afterburner_notes.ld -> the hosted loader finds exactly the sites
// `afterburner notes` lists, and patching for the image's own wedge table writes the
// expected bytes (the same code `afterburner patch` and the guest run).
#include "ImagePatcher.h"
#include "op_table.h"
#include "patcher.h"

#include <afterburner/wedge_abi.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sys/wait.h>

namespace afterburner::tool {
namespace {

std::vector<uint8_t> readFile(const char *path) {
  std::ifstream stream(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(stream),
                              std::istreambuf_iterator<char>());
}

ElfImage loadImage() {
  std::string error;
  auto image = ElfImage::parse(readFile(AFTERBURNER_ROUNDTRIP_IMAGE), error);
  if (!image)
    throw std::runtime_error(error);
  return std::move(*image);
}

// address -> op id, from `afterburner notes --json`.
std::map<uint64_t, unsigned> notesToolSites() {
  std::map<uint64_t, unsigned> sites;
  const std::string command =
      std::string(AFTERBURNER_TOOL) + " notes --json " + AFTERBURNER_ROUNDTRIP_IMAGE;
  FILE *pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  size_t read;
  while (pipe && (read = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, read);
  if (!pipe || pclose(pipe) != 0)
    return sites;
  const std::regex site(R"re("address": (\d+),[^}]*"op_id": (\d+))re");
  for (auto match = std::sregex_iterator(output.begin(), output.end(), site);
       match != std::sregex_iterator(); ++match)
    sites[std::stoull((*match)[1])] = unsigned(std::stoul((*match)[2]));
  return sites;
}

struct Table {
  std::vector<loader::SiteEntry> entries = std::vector<loader::SiteEntry>(256);
  loader::SiteTable table;
  loader::Diagnostics diagnostics;
};

std::unique_ptr<Table> collect(const ElfImage &image) {
  auto result = std::make_unique<Table>();
  result->table.entries = result->entries.data();
  result->table.capacity = result->entries.size();
  loader::SiteTableInput input;
  input.map = image.map();
  input.text = image.text();
  input.streams = image.noteStreams().data();
  input.streamCount = image.noteStreams().size();
  loader::collectSites(input, result->table, result->diagnostics);
  return result;
}

std::map<uint64_t, unsigned> loaderSites(const ElfImage &image, const Table &table) {
  std::map<uint64_t, unsigned> sites;
  for (size_t index = 0; index < table.table.count; ++index) {
    afterburner_site record;
    loader::readRecord(image.map(), table.table.entries[index].recordAddress, record);
    sites[table.table.entries[index].siteAddress] = record.op;
  }
  return sites;
}

TEST(RoundTrip, LoaderFindsExactlyTheSitesTheNotesToolLists) {
  const ElfImage image = loadImage();
  auto table = collect(image);
  EXPECT_EQ(table->table.rejected, 0u) << table->diagnostics.text();
  const auto fromLoader = loaderSites(image, *table);
  const auto fromTool = notesToolSites();
  if (fromTool.empty())
    GTEST_SKIP() << "`afterburner notes --json` is not available";
  EXPECT_EQ(fromLoader, fromTool);
}

TEST(RoundTrip, EveryInstructionOfTheSourceIsASite) {
  const ElfImage image = loadImage();
  auto table = collect(image);
  std::map<std::string, int> perOp;
  for (const auto &[address, op] : loaderSites(image, *table))
    ++perOp[loader::opName(op)];
  const std::map<std::string, int> expected = {
      {"cli", 2},       {"sti", 1},      {"pushf", 1},   {"popf", 1},       {"hlt", 1},
      {"in_imm", 1},    {"in_dx", 1},    {"out_imm", 1}, {"out_dx", 1},     {"read_cr3", 1},
      {"write_cr3", 1}, {"read_cr0", 1}, {"rdmsr", 1},   {"wrmsr", 1},      {"rdtsc", 1},
      {"cpuid", 1},     {"invlpg", 1},   {"lgdt", 1},    {"write_sreg", 1}, {"swapgs", 1},
      {"int_n", 1},     {"iret", 1}};
  EXPECT_EQ(perOp, expected);
}

uint64_t symbol(const ElfImage &image, const char *name) {
  const auto value = image.symbol(name);
  if (!value)
    throw std::runtime_error(std::string("no symbol ") + name);
  return *value;
}

int32_t load32(const uint8_t *bytes) {
  int32_t value;
  std::memcpy(&value, bytes, 4);
  return value;
}

TEST(RoundTrip, PatchingWithTheImagesWedgeWritesTheExpectedBytes) {
  ElfImage image = loadImage();
  const auto before = collect(image);
  std::map<uint64_t, uint64_t> recordOf;
  for (size_t index = 0; index < before->table.count; ++index)
    recordOf[before->entries[index].siteAddress] = before->entries[index].recordAddress;
  const PatchOutcome outcome = patchImage(image, "roundtrip");
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.diagnostics, "");
  EXPECT_NE(outcome.summary.find("wedge=roundtrip sites=23 patched=21 native=2 rejected=0"),
            std::string::npos)
      << outcome.summary;

  const uint64_t unimplemented = symbol(image, "afterburner_common_unimplemented");
  const uint64_t interrupts = symbol(image, "roundtrip_interrupts");
  const auto after = collect(image); // PREPATCHED records need the filled PATCH_STATE
  for (const auto &[site, op] : loaderSites(image, *after)) {
    const uint8_t *bytes = loader::mapImage(image.map(), site, 16);
    afterburner_site record;
    loader::readRecord(image.map(), recordOf[site], record);
    SCOPED_TRACE(loader::opName(op));
    if (op == AFTERBURNER_OP_cpuid || record.mode != 64) {
      EXPECT_FALSE(record.flags & AFTERBURNER_SITE_FLAG_PREPATCHED);
      continue;
    }
    EXPECT_TRUE(record.flags & AFTERBURNER_SITE_FLAG_PREPATCHED);
    if (op == AFTERBURNER_OP_sti) {
      EXPECT_EQ(bytes[0], 0xc6); // movb $1, rel32(%rip), relocated to the site
      EXPECT_EQ(site + 7 + load32(bytes + 2), interrupts);
      continue;
    }
    if (op == AFTERBURNER_OP_iret) {
      EXPECT_EQ(bytes[0], AFTERBURNER_JUMP_OPCODE);
      continue;
    }
    ASSERT_EQ(bytes[0], AFTERBURNER_CALL_OPCODE);
    EXPECT_EQ(site + 8 + load32(bytes + 8), recordOf[site]); // the record reference
    const uint64_t target = site + 5 + load32(bytes + 1);
    if (op == AFTERBURNER_OP_cli) {
      EXPECT_NE(target, unimplemented);
      continue;
    }
    EXPECT_EQ(target, unimplemented);
  }
}

struct CommandResult {
  int status;
  std::string output;
};

CommandResult runTool(const std::string &arguments) {
  const std::string command = std::string(AFTERBURNER_TOOL) + " " + arguments + " 2>&1";
  FILE *pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  size_t read;
  while ((read = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, read);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string temporaryPath(const char *name) {
  return ::testing::TempDir() + "afterburner-roundtrip-" + name;
}

bool exists(const std::string &path) {
  return std::ifstream(path).good();
}

TEST(PatchCommand, PatchesAndFillsThePatchState) {
  const std::string output = temporaryPath("patched");
  std::remove(output.c_str());
  const auto result =
      runTool("patch --wedge roundtrip " + std::string(AFTERBURNER_ROUNDTRIP_IMAGE) + " " + output);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("afterburner: wedge=roundtrip sites=23 patched=21"),
            std::string::npos);
  std::string error;
  auto image = ElfImage::parse(readFile(output.c_str()), error);
  ASSERT_TRUE(image) << error;
  const auto &streams = image->noteStreams();
  const auto state = loader::findPatchState(image->map(), streams.data(), streams.size());
  EXPECT_STREQ(state.state.wedge, "roundtrip");
  EXPECT_EQ(state.state.patched_sites, 21u);

  // A pre-patched image is refused, and the output is left alone.
  const std::string again = temporaryPath("again");
  std::remove(again.c_str());
  const auto second = runTool("patch --wedge roundtrip " + output + " " + again);
  EXPECT_EQ(second.status, 1);
  EXPECT_NE(second.output.find("already pre-patched for roundtrip"), std::string::npos);
  EXPECT_FALSE(exists(again));
}

TEST(PatchCommand, MissingWedgeIsAClearErrorAndWritesNothing) {
  const std::string output = temporaryPath("missing");
  std::remove(output.c_str());
  const auto result =
      runTool("patch --wedge nosuch " + std::string(AFTERBURNER_ROUNDTRIP_IMAGE) + " " + output);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("no symbol afterburner_wedge_nosuch"), std::string::npos);
  EXPECT_NE(result.output.find("wedges in the image: roundtrip"), std::string::npos)
      << result.output;
  EXPECT_FALSE(exists(output));
}

TEST(PatchCommand, NotAnElfIsAClearError) {
  const std::string input = temporaryPath("text");
  std::ofstream(input) << "not an image\n";
  const std::string output = temporaryPath("text-out");
  std::remove(output.c_str());
  const auto result = runTool("patch --wedge roundtrip " + input + " " + output);
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("not an ELF file"), std::string::npos);
  EXPECT_FALSE(exists(output));
}

TEST(PatchCommand, ImageWithoutAfterburnerNotesIsAClearError) {
  // The tool itself: an ELF with GNU notes but no PATCH_STATE note.
  const std::string output = temporaryPath("tool-out");
  std::remove(output.c_str());
  const auto result =
      runTool("patch --wedge roundtrip " + std::string(AFTERBURNER_TOOL) + " " + output);
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(result.output.find("no PATCH_STATE note") != std::string::npos ||
              result.output.find("no notes") != std::string::npos)
      << result.output;
  EXPECT_FALSE(exists(output));
}

TEST(PatchCommand, UsageErrors) {
  EXPECT_EQ(runTool("patch").status, 2);
  EXPECT_EQ(runTool("patch --wedge xen onlyone").status, 2);
  EXPECT_EQ(runTool("patch --bogus a b").status, 2);
  EXPECT_EQ(runTool("patch --help").status, 0);
}

} // namespace
} // namespace afterburner::tool
