// LoaderBench.cpp: the loader's cost per site, hosted. Builds an image with N sites
// (default 3000, a kernel-like mix of ops), then times, side by side in one run:
//   validate  collectSites (note walk, every check, sort, overlap scan)
//   patch     patchSites for a wedge that CALLs every op (one textWrite per site)
//   bare      patchSites with no wedge (bare metal: nothing written)
//   copy      memcpy of every site's bytes (a floor: what writing alone costs)
// The image (BenchImage.h) is laid out as a kernel links its objects: one ascending
// run of records per object, .text and .init.text interleaved.
// Prints ns/site (median of the repetitions) and the ratio to the goal (200 ns/site
// for validate + patch). Run by scripts/bench-loader.sh.
#include "BenchImage.h"
#include "image.h"
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

// The image, mapped at imageBase through the loader's ImageMap (as `afterburner patch`
// maps an ELF file's segments).
struct MappedImage {
  bench::BenchImage image;
  ImageRange range{};
  explicit MappedImage(const bench::BenchImage &pristine) : image(pristine) {
    range = {imageBase, image.bytes.size(), reinterpret_cast<uintptr_t>(image.bytes.data())};
  }
  ImageMap map() const { return {&range, 1}; }
};

// The guest's table holds AFTERBURNER_LOADER_MAX_SITES (16,384 by default) entries; the
// unused ones are the sort's scratch. The bench gives the same room.
size_t tableCapacity(size_t siteCount) {
  return std::max<size_t>(16384, siteCount);
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

Run runOnce(const bench::BenchImage &pristine, size_t siteCount) {
  MappedImage mapped(pristine);
  const bench::BenchImage &image = mapped.image;
  const ImageMap map = mapped.map();
  const NoteStream stream = {image.notesStart(), image.notesEnd()};
  SiteTableInput input;
  input.map = map;
  input.text = {image.textStart(), image.textEnd()};
  input.streams = &stream;
  input.streamCount = 1;
  std::vector<SiteEntry> entries(tableCapacity(siteCount));
  SiteTable table;
  table.entries = entries.data();
  table.capacity = entries.size();
  auto diagnostics = std::make_unique<Diagnostics>();
  afterburner_wedge wedge{};
  wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
  wedge.mode = 64;
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
    wedge.ops[op] = {AFTERBURNER_POLICY_CALL, reinterpret_cast<const void *>(image.spare())};

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
  const bench::BenchImage image = bench::buildBenchImage(siteCount, imageBase);
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
