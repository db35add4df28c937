// BenchImage.cpp: see BenchImage.h.
#include "BenchImage.h"

#include "../reference_padding.h"

#include <afterburner/site_abi.h>

#include <algorithm>
#include <cstring>

namespace afterburner::loader::bench {

namespace {

constexpr size_t sitesPerObject = 64;

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
      {AFTERBURNER_OP_pushf, {0x9c}, AFTERBURNER_SITE_SIZE_PUSHF, 16},
      {AFTERBURNER_OP_popf, {0x9d}, AFTERBURNER_SITE_SIZE_POPF, 14},
      {AFTERBURNER_OP_out_dx, {0xee}, 12, 6},
      {AFTERBURNER_OP_in_dx, {0xec}, 12, 4},
      {AFTERBURNER_OP_read_cr3, {0x0f, 0x20, 0xd8}, 12, 2},
      {AFTERBURNER_OP_write_cr3, {0x0f, 0x22, 0xd8}, 12, 2},
      {AFTERBURNER_OP_rdmsr, {0x0f, 0x32}, 12, 2},
      {AFTERBURNER_OP_invlpg, {0x0f, 0x01, 0x38}, 12, 2},
  };
  return samples;
}

// Canonical padding: the tests' plain reference (the guest-archive bench links no hosted
// loader code, so not the loader's fillCanonicalNops).
void fillPadding(uint8_t *bytes, size_t length) {
  const std::vector<uint8_t> padding = reference::canonicalPadding(length, 64);
  std::memcpy(bytes, padding.data(), padding.size());
}

// The op's minimum site size (site_abi.h's X-macro): a sample's site is never shorter.
size_t minimumSiteSize(unsigned op) {
  switch (op) {
#define AFTERBURNER_BENCH_MINIMUM(name, id, size, class_, flow, modes)                             \
  case id:                                                                                         \
    return size;
    AFTERBURNER_SITE_OPS(AFTERBURNER_BENCH_MINIMUM)
#undef AFTERBURNER_BENCH_MINIMUM
  default:
    return 0;
  }
}

uint8_t siteLength(const OpSample &sample) {
  return uint8_t(std::max<size_t>(sample.length, minimumSiteSize(sample.op)));
}

// The longest site of the mix + 4 bytes of ordinary code between sites.
size_t siteStride() {
  size_t longest = 0;
  for (const OpSample &sample : mix())
    longest = std::max<size_t>(longest, siteLength(sample));
  return longest + 4;
}

size_t notesSizeFor(size_t siteCount) {
  const size_t objects = (siteCount + sitesPerObject - 1) / sitesPerObject;
  return objects * sizeof(afterburner_note_header) + AFTERBURNER_NOTE_NAME_SIZE * objects +
         siteCount * AFTERBURNER_SITE_RECORD_SIZE;
}

struct PlacedSite {
  uintptr_t address;
  const OpSample *sample;
};

// Text offsets: site i of an object goes to .text (the first three quarters) or
// .init.text; .text holds the first textSites sites in order, .init.text the rest.
std::vector<PlacedSite> placeSites(BenchImage &image, size_t siteCount) {
  std::vector<const OpSample *> order;
  for (const OpSample &sample : mix())
    for (unsigned index = 0; index < sample.weight; ++index)
      order.push_back(&sample);
  size_t textSites = 0;
  for (size_t index = 0; index < siteCount; ++index)
    textSites += index % sitesPerObject < sitesPerObject * 3 / 4;
  size_t nextText = 0;
  size_t nextInit = textSites;
  std::vector<PlacedSite> sites;
  for (size_t index = 0; index < siteCount; ++index) {
    const bool text = index % sitesPerObject < sitesPerObject * 3 / 4;
    const size_t slot = text ? nextText++ : nextInit++;
    const OpSample *sample = order[(index * 7919) % order.size()];
    uint8_t *site = image.bytes.data() + slot * siteStride();
    std::memcpy(site, sample->bytes.data(), sample->bytes.size());
    fillPadding(site + sample->bytes.size(), siteLength(*sample) - sample->bytes.size());
    sites.push_back({image.base + slot * siteStride(), sample});
  }
  return sites;
}

void appendNote(BenchImage &image, size_t &offset, const PlacedSite *sites, size_t count) {
  const afterburner_note_header header = {AFTERBURNER_NOTE_NAME_SIZE,
                                          uint32_t(count * AFTERBURNER_SITE_RECORD_SIZE),
                                          AFTERBURNER_NOTE_TYPE_SITES};
  std::memcpy(image.bytes.data() + offset, &header, sizeof header);
  std::memcpy(image.bytes.data() + offset + sizeof header, AFTERBURNER_NOTE_NAME,
              AFTERBURNER_NOTE_NAME_SIZE);
  offset += sizeof header + AFTERBURNER_NOTE_NAME_SIZE;
  for (size_t index = 0; index < count; ++index) {
    afterburner_site record = {};
    const uintptr_t recordAddress = image.base + offset;
    record.site_offset = int32_t(sites[index].address - recordAddress);
    record.op = uint16_t(sites[index].sample->op);
    record.site_length = siteLength(*sites[index].sample);
    record.insn_length = uint8_t(sites[index].sample->bytes.size());
    record.mode = 64;
    std::memcpy(image.bytes.data() + offset, &record, sizeof record);
    offset += sizeof record;
  }
}

} // namespace

size_t benchImageSize(size_t siteCount) {
  return siteCount * siteStride() + 64 + notesSizeFor(siteCount) + 64;
}

BenchImage buildBenchImage(size_t siteCount, uintptr_t base) {
  static_assert(AFTERBURNER_NOTE_NAME_SIZE % 4 == 0, "the name needs no padding");
  BenchImage image;
  image.base = base;
  image.textSize = siteCount * siteStride() + 64;
  image.bytes.assign(benchImageSize(siteCount), 0xcc);
  const std::vector<PlacedSite> sites = placeSites(image, siteCount);
  size_t offset = image.textSize;
  for (size_t first = 0; first < sites.size(); first += sitesPerObject)
    appendNote(image, offset, sites.data() + first, std::min(sitesPerObject, sites.size() - first));
  image.notesSize = offset - image.textSize;
  return image;
}

} // namespace afterburner::loader::bench
