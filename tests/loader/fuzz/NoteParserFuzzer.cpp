// NoteParserFuzzer.cpp: libFuzzer entry point for the loader's note parser, record
// validation and patcher. The input is an image: its first 64 bytes are kernel text,
// the rest is the note stream. Built with clang -fsanitize=fuzzer when libFuzzer is
// available (scripts/fuzz-notes.sh, ctest -L fuzz); always built as a replay test
// over the seed corpus (NoteParserReplayTest.cpp).
#include "image.h"
#include "patcher.h"
#include "report.h"
#include "site_table.h"
#include "text_write.h"

#include <afterburner/wedge_abi.h>

#include <cstring>
#include <memory>
#include <vector>

namespace {

using namespace afterburner::loader;

constexpr uintptr_t imageBase = 0x10000;
constexpr size_t textSize = 64;

afterburner_wedge makeWedge(uintptr_t entry) {
  afterburner_wedge wedge{};
  wedge.name = "fuzz";
  wedge.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
  wedge.mode = 64;
  wedge.unimplemented = reinterpret_cast<const void *>(entry);
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
    wedge.ops[op] = {
        uint8_t(op % 3 == 0 ? AFTERBURNER_POLICY_UNIMPLEMENTED : AFTERBURNER_POLICY_CALL),
        reinterpret_cast<const void *>(entry)};
  wedge.ops[AFTERBURNER_OP_iret] = {AFTERBURNER_POLICY_JUMP, reinterpret_cast<const void *>(entry)};
  wedge.ops[AFTERBURNER_OP_cpuid] = {AFTERBURNER_POLICY_NATIVE, nullptr};
  return wedge;
}

// spareEntries: room past the records for the sort's merges (site_sort.h); without
// it the table is heap-sorted.
void runOnce(std::vector<uint8_t> &bytes, size_t notesSize, bool acceptPrepatched,
             bool spareEntries) {
  const ImageRange range = {imageBase, bytes.size(), reinterpret_cast<uintptr_t>(bytes.data())};
  const NoteStream stream = {imageBase + textSize, imageBase + textSize + notesSize};
  SiteTableInput input;
  input.map = {&range, 1};
  input.text = {imageBase, imageBase + textSize};
  input.streams = &stream;
  input.streamCount = 1;
  input.acceptPrepatched = acceptPrepatched;
  const size_t records = notesSize / AFTERBURNER_SITE_RECORD_SIZE + 1;
  std::vector<SiteEntry> entries(spareEntries ? 2 * records : records);
  SiteTable table;
  table.entries = entries.data();
  table.capacity = entries.size();
  auto diagnostics = std::make_unique<Diagnostics>();
  collectSites(input, table, *diagnostics);
  findPatchState(input.map, &stream, 1);
  for (size_t index = 1; index < table.count; ++index) {
    if (table.entries[index - 1].siteAddress >= table.entries[index].siteAddress)
      __builtin_trap(); // valid sites are sorted, and no two share an address
  }

  const afterburner_wedge wedge = makeWedge(imageBase + bytes.size() - 16);
  PatchOptions options;
  options.map = input.map;
  options.wedge = &wedge;
  options.markPrepatched = !acceptPrepatched;
  PatchCounts counts;
  TextWriteSession session(nullptr);
  patchSites(options, table, counts, *diagnostics);
  if (counts.patched + counts.native + counts.failed != table.count)
    __builtin_trap(); // every valid site is accounted for exactly once
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const size_t textBytes = size < textSize ? size : textSize;
  const size_t notesSize = size - textBytes;
  // text, notes, then 16 bytes standing in for the wedge's entry.
  std::vector<uint8_t> bytes(textSize + notesSize + 16, 0);
  std::memcpy(bytes.data(), data, textBytes);
  std::memcpy(bytes.data() + textSize, data + textBytes, notesSize);
  runOnce(bytes, notesSize, false, false);
  // Again: now with PREPATCHED flags set by the first run, and room for merging.
  runOnce(bytes, notesSize, true, true);
  return 0;
}
