// LoaderBench.cpp: the loader's cost per site, hosted. Builds an image with N sites
// (default 3000, a kernel-like mix of ops), then times, side by side in one run:
//   validate  collectSites (note walk, every check, sort, overlap scan)
//   patch     patchSites for a wedge that CALLs every op (one textWrite per site)
//   bare      patchSites with no wedge (bare metal: nothing written)
//   copy      memcpy of every site's bytes (a floor: what writing alone costs)
// Prints ns/site (median of the repetitions) and the ratio to the goal (200 ns/site
// for validate + patch). Run by scripts/bench-loader.sh.
#include "image.h"
#include "padding.h"
#include "patcher.h"
#include "site_table.h"
#include "text_write.h"

#include <afterburner/wedge_abi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

using namespace afterburner::loader;
using Clock = std::chrono::steady_clock;

constexpr uintptr_t imageBase = 0x1000000;

struct OpSample {
  unsigned op;
  std::vector<uint8_t> bytes;
  uint8_t length;
  unsigned weight;
};

// Roughly a kernel's mix: interrupt-flag ops dominate, then port I/O.
const std::vector<OpSample> &mix() {
  static const std::vector<OpSample> samples = {
      {AFTERBURNER_OP_cli, {0xfa}, 16, 28},
      {AFTERBURNER_OP_sti, {0xfb}, 16, 24},
      {AFTERBURNER_OP_pushf, {0x9c}, 16, 16},
      {AFTERBURNER_OP_popf, {0x9d}, 16, 14},
      {AFTERBURNER_OP_out_dx, {0xee}, 12, 6},
      {AFTERBURNER_OP_in_dx, {0xec}, 12, 4},
      {AFTERBURNER_OP_read_cr3, {0x0f, 0x20, 0xd8}, 12, 2},
      {AFTERBURNER_OP_write_cr3, {0x0f, 0x22, 0xd8}, 12, 2},
      {AFTERBURNER_OP_rdmsr, {0x0f, 0x32}, 12, 2},
      {AFTERBURNER_OP_invlpg, {0x0f, 0x01, 0x38}, 12, 2},
  };
  return samples;
}

struct BenchImage {
  std::vector<uint8_t> bytes;
  size_t textSize = 0;
  size_t notesSize = 0;
  ImageRange range{};
  uintptr_t entry = 0;
  ImageMap map() {
    range = {imageBase, bytes.size(), reinterpret_cast<uintptr_t>(bytes.data())};
    return {&range, 1};
  }
};

// Sites in text, one SITES note per 64 records (as per-object notes would be), in a
// shuffled object order so the sort has work to do.
BenchImage buildImage(size_t siteCount) {
  std::vector<const OpSample *> order;
  for (const OpSample &sample : mix())
    for (unsigned index = 0; index < sample.weight; ++index)
      order.push_back(&sample);
  BenchImage image;
  image.textSize = siteCount * 20 + 64;
  const size_t notes = (siteCount / 64 + 1) * 24 + siteCount * 24;
  image.bytes.assign(image.textSize + notes + 64, 0xcc);
  std::vector<std::pair<uintptr_t, const OpSample *>> sites;
  size_t offset = 0;
  for (size_t index = 0; index < siteCount; ++index) {
    const OpSample *sample = order[(index * 7919) % order.size()];
    uint8_t *site = image.bytes.data() + offset;
    std::memcpy(site, sample->bytes.data(), sample->bytes.size());
    fillCanonicalNops(site + sample->bytes.size(), sample->length - sample->bytes.size(), 64);
    sites.push_back({imageBase + offset, sample});
    offset += sample->length + 4;
  }
  std::reverse(sites.begin(), sites.end()); // notes in the opposite order of the text
  size_t noteOffset = image.textSize;
  for (size_t first = 0; first < sites.size(); first += 64) {
    const size_t count = std::min<size_t>(64, sites.size() - first);
    const afterburner_note_header header = {AFTERBURNER_NOTE_NAME_SIZE,
                                            uint32_t(count * AFTERBURNER_SITE_RECORD_SIZE),
                                            AFTERBURNER_NOTE_TYPE_SITES};
    std::memcpy(image.bytes.data() + noteOffset, &header, sizeof header);
    std::memcpy(image.bytes.data() + noteOffset + 12, AFTERBURNER_NOTE_NAME, 12);
    noteOffset += 24;
    for (size_t index = first; index < first + count; ++index) {
      afterburner_site record = {};
      const uintptr_t recordAddress = imageBase + noteOffset;
      record.site_offset = int32_t(sites[index].first - recordAddress);
      record.op = uint16_t(sites[index].second->op);
      record.site_length = sites[index].second->length;
      record.insn_length = uint8_t(sites[index].second->bytes.size());
      record.mode = 64;
      std::memcpy(image.bytes.data() + noteOffset, &record, sizeof record);
      noteOffset += sizeof record;
    }
  }
  image.notesSize = noteOffset - image.textSize;
  image.entry = imageBase + noteOffset;
  return image;
}

struct Run {
  double validate;
  double patch;
  double bare;
  double copy;
};

double nanoseconds(Clock::time_point start, Clock::time_point end) {
  return double(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
}

Run runOnce(const BenchImage &pristine, size_t siteCount) {
  BenchImage image = pristine;
  const ImageMap map = image.map();
  const NoteStream stream = {imageBase + image.textSize,
                             imageBase + image.textSize + image.notesSize};
  SiteTableInput input;
  input.map = map;
  input.text = {imageBase, imageBase + image.textSize};
  input.streams = &stream;
  input.streamCount = 1;
  std::vector<SiteEntry> entries(siteCount);
  SiteTable table;
  table.entries = entries.data();
  table.capacity = entries.size();
  auto diagnostics = std::make_unique<Diagnostics>();
  afterburner_wedge wedge{};
  wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
  wedge.mode = 64;
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
    wedge.ops[op] = {AFTERBURNER_POLICY_CALL, reinterpret_cast<const void *>(image.entry)};

  Run run{};
  auto start = Clock::now();
  collectSites(input, table, *diagnostics);
  auto end = Clock::now();
  run.validate = nanoseconds(start, end);
  if (table.count != siteCount || table.rejected != 0) {
    std::fprintf(stderr, "bench: %zu valid sites of %zu:\n%s", table.count, siteCount,
                 diagnostics->text());
    std::exit(1);
  }

  PatchOptions bare;
  bare.map = map;
  PatchCounts bareCounts;
  start = Clock::now();
  patchSites(bare, table, bareCounts, *diagnostics);
  run.bare = nanoseconds(start, Clock::now());

  PatchOptions options;
  options.map = map;
  options.wedge = &wedge;
  PatchCounts counts;
  start = Clock::now();
  {
    TextWriteSession session(nullptr);
    patchSites(options, table, counts, *diagnostics);
  }
  run.patch = nanoseconds(start, Clock::now());
  if (counts.patched != siteCount) {
    std::fprintf(stderr, "bench: patched %u of %zu\n", counts.patched, siteCount);
    std::exit(1);
  }

  std::vector<uint8_t> scratch(image.textSize);
  start = Clock::now();
  for (size_t index = 0; index < table.count; ++index) {
    const size_t offset = table.entries[index].siteAddress - imageBase;
    std::memcpy(scratch.data() + offset, pristine.bytes.data() + offset, 16);
  }
  asm volatile("" : : "r"(scratch.data()) : "memory");
  run.copy = nanoseconds(start, Clock::now());
  return run;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv) {
  const size_t siteCount = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 3000;
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 51;
  const BenchImage image = buildImage(siteCount);
  std::vector<double> validate, patch, bare, copy;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    const Run run = runOnce(image, siteCount);
    validate.push_back(run.validate / double(siteCount));
    patch.push_back(run.patch / double(siteCount));
    bare.push_back(run.bare / double(siteCount));
    copy.push_back(run.copy / double(siteCount));
  }
  const double total = median(validate) + median(patch);
  std::printf("loader bench: %zu sites, median of %d runs, hosted\n", siteCount, repetitions);
  std::printf("  validate   %8.1f ns/site\n", median(validate));
  std::printf("  patch      %8.1f ns/site   (%.1fx the bare memcpy floor)\n", median(patch),
              median(patch) / std::max(median(copy), 0.1));
  std::printf("  bare metal %8.1f ns/site   (no writes)\n", median(bare));
  std::printf("  copy floor %8.1f ns/site\n", median(copy));
  std::printf("  validate+patch %.1f ns/site = %.2f of the 200 ns/site goal\n", total,
              total / 200.0);
  return 0;
}
