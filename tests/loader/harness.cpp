// harness.cpp: the hosted platform seam and the test image (see harness.h).
#include "harness.h"

#include "op_table.h"
#include "padding.h"
#include "platform.h"

#include <cstring>
#include <stdexcept>

namespace afterburner::loader::platform {

namespace {
bool sessionOpen = false;
}

uintptr_t beginTextWrites(const afterburner_boot_info *) {
  sessionOpen = true;
  ++testing::textWriteLog().sessionsOpened;
  return 0x5a5a;
}

void copyToText(uint8_t *destination, const uint8_t *source, size_t length) {
  testing::TextWriteLog &log = testing::textWriteLog();
  log.writes.push_back({destination, length});
  if (!log.dropWrites)
    std::memcpy(destination, source, length);
}

void endTextWrites(uintptr_t state) {
  if (state != 0x5a5a)
    throw std::logic_error("endTextWrites got a state beginTextWrites did not return");
  sessionOpen = false;
  ++testing::textWriteLog().sessionsClosed;
}

} // namespace afterburner::loader::platform

namespace afterburner::loader::testing {

TextWriteLog &textWriteLog() {
  static TextWriteLog log;
  return log;
}

void resetTextWriteLog() {
  textWriteLog() = TextWriteLog();
}

std::vector<uint8_t> canonicalNops(size_t length, unsigned mode) {
  std::vector<uint8_t> bytes(length);
  fillCanonicalNops(bytes.data(), length, mode);
  return bytes;
}

TestImage::TestImage() : bytes_(textSize + notesSize + dataSize, 0xcc) {
  range_ = {base, bytes_.size(), reinterpret_cast<uintptr_t>(bytes_.data())};
  std::memset(bytes_.data() + textSize, 0, notesSize + dataSize);
}

std::vector<uint8_t> TestImage::read(uintptr_t address, size_t length) const {
  const uint8_t *start = bytes_.data() + (address - base);
  return std::vector<uint8_t>(start, start + length);
}

uintptr_t TestImage::placeSite(const std::vector<uint8_t> &instruction, uint8_t siteLength,
                               unsigned mode, uintptr_t address) {
  if (address == 0) {
    address = base + textUsed_;
    textUsed_ += siteLength + 1; // one int3 between sites
  }
  uint8_t *site = at(address);
  std::memcpy(site, instruction.data(), instruction.size());
  if (siteLength > instruction.size())
    fillCanonicalNops(site + instruction.size(), siteLength - instruction.size(), mode);
  return address;
}

void TestImage::addRawNoteBytes(const std::vector<uint8_t> &bytes) {
  if (notesUsed_ + bytes.size() > notesSize)
    throw std::length_error("test image notes are full");
  std::memcpy(at(notesStart() + notesUsed_), bytes.data(), bytes.size());
  notesUsed_ += bytes.size();
}

namespace {

void appendWord(std::vector<uint8_t> &bytes, uint32_t value) {
  for (int index = 0; index < 4; ++index)
    bytes.push_back(static_cast<uint8_t>(value >> (8 * index)));
}

void padTo4(std::vector<uint8_t> &bytes) {
  while (bytes.size() % 4)
    bytes.push_back(0);
}

} // namespace

uintptr_t TestImage::addNote(uint32_t type, const std::string &name,
                             const std::vector<uint8_t> &descriptor, uint32_t nameSize,
                             uint32_t descriptorSize) {
  std::vector<uint8_t> note;
  appendWord(note, nameSize == 0xffffffff ? uint32_t(name.size() + 1) : nameSize);
  appendWord(note, descriptorSize == 0xffffffff ? uint32_t(descriptor.size()) : descriptorSize);
  appendWord(note, type);
  note.insert(note.end(), name.begin(), name.end());
  note.push_back(0);
  padTo4(note);
  const uintptr_t descriptorAddress = notesStart() + notesUsed_ + note.size();
  note.insert(note.end(), descriptor.begin(), descriptor.end());
  padTo4(note);
  addRawNoteBytes(note);
  return descriptorAddress;
}

uintptr_t TestImage::addSitesNote(const std::vector<afterburner_site> &records,
                                  const std::vector<uintptr_t> &sites) {
  // The descriptor starts after the 12-byte header and the 12-byte name.
  const uintptr_t first = notesStart() + notesUsed_ + 24;
  std::vector<uint8_t> descriptor(records.size() * sizeof(afterburner_site));
  for (size_t index = 0; index < records.size(); ++index) {
    afterburner_site record = records[index];
    const uintptr_t recordAddress = first + index * sizeof record;
    record.site_offset = static_cast<int32_t>(static_cast<intptr_t>(sites[index] - recordAddress));
    std::memcpy(descriptor.data() + index * sizeof record, &record, sizeof record);
  }
  addNote(AFTERBURNER_NOTE_TYPE_SITES, AFTERBURNER_NOTE_NAME, descriptor);
  return first;
}

uintptr_t TestImage::addPatchStateNote(const char *wedge, uint32_t patchedSites) {
  afterburner_patch_state state = {};
  std::strncpy(state.wedge, wedge, sizeof state.wedge - 1);
  state.patched_sites = patchedSites;
  std::vector<uint8_t> descriptor(sizeof state);
  std::memcpy(descriptor.data(), &state, sizeof state);
  return addNote(AFTERBURNER_NOTE_TYPE_PATCH_STATE, AFTERBURNER_NOTE_NAME, descriptor);
}

uintptr_t TestImage::placeData(const std::vector<uint8_t> &bytes) {
  const uintptr_t address = dataStart() + dataUsed_;
  std::memcpy(at(address), bytes.data(), bytes.size());
  dataUsed_ += (bytes.size() + 15) & ~size_t(15);
  return address;
}

afterburner_site TestImage::record(unsigned op, uint8_t siteLength, uint8_t insnLength,
                                   unsigned mode) {
  afterburner_site record = {};
  record.op = static_cast<uint16_t>(op);
  record.site_length = siteLength;
  record.insn_length = insnLength;
  record.mode = static_cast<uint8_t>(mode);
  record.reg = record.special = record.base = record.index = record.segment = AFTERBURNER_REG_NONE;
  return record;
}

uintptr_t TestImage::addSite(unsigned op, const std::vector<uint8_t> &instruction,
                             uint8_t siteLength, unsigned mode, uintptr_t *recordAddress,
                             uint8_t flags) {
  const uintptr_t site = placeSite(instruction, siteLength, mode);
  afterburner_site entry = record(op, siteLength, static_cast<uint8_t>(instruction.size()), mode);
  entry.flags = flags;
  const uintptr_t address = addSitesNote({entry}, {site});
  if (recordAddress)
    *recordAddress = address;
  return site;
}

std::vector<uint8_t> sampleInstruction(unsigned op) {
  switch (op) {
  case AFTERBURNER_OP_cli:
    return {0xfa};
  case AFTERBURNER_OP_sti:
    return {0xfb};
  case AFTERBURNER_OP_pushf:
    return {0x9c};
  case AFTERBURNER_OP_popf:
    return {0x9d};
  case AFTERBURNER_OP_hlt:
    return {0xf4};
  case AFTERBURNER_OP_monitor:
    return {0x0f, 0x01, 0xc8};
  case AFTERBURNER_OP_mwait:
    return {0x0f, 0x01, 0xc9};
  case AFTERBURNER_OP_in_imm:
    return {0xe4, 0x60};
  case AFTERBURNER_OP_in_dx:
    return {0xec};
  case AFTERBURNER_OP_out_imm:
    return {0xe6, 0x80};
  case AFTERBURNER_OP_out_dx:
    return {0xee};
  case AFTERBURNER_OP_ins:
    return {0xf3, 0x6c};
  case AFTERBURNER_OP_outs:
    return {0x6e};
  case AFTERBURNER_OP_read_cr0:
    return {0x0f, 0x20, 0xc0};
  case AFTERBURNER_OP_write_cr0:
    return {0x0f, 0x22, 0xc0};
  case AFTERBURNER_OP_read_cr2:
    return {0x0f, 0x20, 0xd0};
  case AFTERBURNER_OP_write_cr2:
    return {0x0f, 0x22, 0xd0};
  case AFTERBURNER_OP_read_cr3:
    return {0x0f, 0x20, 0xd8};
  case AFTERBURNER_OP_write_cr3:
    return {0x0f, 0x22, 0xd8};
  case AFTERBURNER_OP_read_cr4:
    return {0x0f, 0x20, 0xe0};
  case AFTERBURNER_OP_write_cr4:
    return {0x0f, 0x22, 0xe0};
  case AFTERBURNER_OP_read_cr8:
    return {0x44, 0x0f, 0x20, 0xc0};
  case AFTERBURNER_OP_write_cr8:
    return {0x44, 0x0f, 0x22, 0xc0};
  case AFTERBURNER_OP_clts:
    return {0x0f, 0x06};
  case AFTERBURNER_OP_lmsw:
    return {0x0f, 0x01, 0xf0};
  case AFTERBURNER_OP_smsw:
    return {0x0f, 0x01, 0xe0};
  case AFTERBURNER_OP_read_dr:
    return {0x0f, 0x21, 0xf8};
  case AFTERBURNER_OP_write_dr:
    return {0x0f, 0x23, 0xf8};
  case AFTERBURNER_OP_lgdt:
    return {0x0f, 0x01, 0x10};
  case AFTERBURNER_OP_lidt:
    return {0x0f, 0x01, 0x18};
  case AFTERBURNER_OP_lldt:
    return {0x0f, 0x00, 0xd0};
  case AFTERBURNER_OP_ltr:
    return {0x0f, 0x00, 0xd8};
  case AFTERBURNER_OP_sgdt:
    return {0x0f, 0x01, 0x00};
  case AFTERBURNER_OP_sidt:
    return {0x0f, 0x01, 0x08};
  case AFTERBURNER_OP_sldt:
    return {0x0f, 0x00, 0xc0};
  case AFTERBURNER_OP_str:
    return {0x0f, 0x00, 0xc8};
  case AFTERBURNER_OP_write_sreg:
    return {0x8e, 0xd8};
  case AFTERBURNER_OP_read_sreg:
    return {0x8c, 0xd8};
  case AFTERBURNER_OP_push_sreg:
    return {0x0f, 0xa0};
  case AFTERBURNER_OP_pop_sreg:
    return {0x0f, 0xa1};
  case AFTERBURNER_OP_load_far_pointer:
    return {0x0f, 0xb2, 0x00};
  case AFTERBURNER_OP_far_jmp:
    return {0xff, 0x28};
  case AFTERBURNER_OP_far_call:
    return {0xff, 0x18};
  case AFTERBURNER_OP_far_ret:
    return {0x48, 0xcb};
  case AFTERBURNER_OP_lar:
    return {0x0f, 0x02, 0xc0};
  case AFTERBURNER_OP_lsl:
    return {0x0f, 0x03, 0xc0};
  case AFTERBURNER_OP_verr:
    return {0x0f, 0x00, 0xe0};
  case AFTERBURNER_OP_verw:
    return {0x0f, 0x00, 0xe8};
  case AFTERBURNER_OP_arpl:
    return {0x63, 0xc0};
  case AFTERBURNER_OP_rdmsr:
    return {0x0f, 0x32};
  case AFTERBURNER_OP_wrmsr:
    return {0x0f, 0x30};
  case AFTERBURNER_OP_rdtsc:
    return {0x0f, 0x31};
  case AFTERBURNER_OP_rdtscp:
    return {0x0f, 0x01, 0xf9};
  case AFTERBURNER_OP_rdpmc:
    return {0x0f, 0x33};
  case AFTERBURNER_OP_cpuid:
    return {0x0f, 0xa2};
  case AFTERBURNER_OP_invlpg:
    return {0x0f, 0x01, 0x38};
  case AFTERBURNER_OP_invpcid:
    return {0x66, 0x0f, 0x38, 0x82, 0x00};
  case AFTERBURNER_OP_wbinvd:
    return {0x0f, 0x09};
  case AFTERBURNER_OP_invd:
    return {0x0f, 0x08};
  case AFTERBURNER_OP_iret:
    return {0x48, 0xcf};
  case AFTERBURNER_OP_sysret:
    return {0x48, 0x0f, 0x07};
  case AFTERBURNER_OP_sysexit:
    return {0x48, 0x0f, 0x35};
  case AFTERBURNER_OP_swapgs:
    return {0x0f, 0x01, 0xf8};
  case AFTERBURNER_OP_xsetbv:
    return {0x0f, 0x01, 0xd1};
  case AFTERBURNER_OP_xgetbv:
    return {0x0f, 0x01, 0xd0};
  case AFTERBURNER_OP_rdfsbase:
    return {0xf3, 0x48, 0x0f, 0xae, 0xc0};
  case AFTERBURNER_OP_rdgsbase:
    return {0xf3, 0x48, 0x0f, 0xae, 0xc8};
  case AFTERBURNER_OP_wrfsbase:
    return {0xf3, 0x48, 0x0f, 0xae, 0xd0};
  case AFTERBURNER_OP_wrgsbase:
    return {0xf3, 0x48, 0x0f, 0xae, 0xd8};
  case AFTERBURNER_OP_stac:
    return {0x0f, 0x01, 0xcb};
  case AFTERBURNER_OP_clac:
    return {0x0f, 0x01, 0xca};
  case AFTERBURNER_OP_xsaves:
    return {0x48, 0x0f, 0xc7, 0x28};
  case AFTERBURNER_OP_xrstors:
    return {0x48, 0x0f, 0xc7, 0x18};
  case AFTERBURNER_OP_int_n:
    return {0xcd, 0x80};
  case AFTERBURNER_OP_page_table_store:
    return {0x48, 0x89, 0x07}; // movq %rax, (%rdi)
  case AFTERBURNER_OP_page_table_exchange:
    return {0x48, 0x87, 0x07}; // xchgq %rax, (%rdi)
  default:
    throw std::out_of_range("no sample instruction for op");
  }
}

unsigned sampleMode(unsigned op) {
  return op == AFTERBURNER_OP_arpl ? 32 : 64;
}

uint8_t sampleSiteLength(unsigned op) {
  const OpInfo *info = opInfo(op);
  return info && info->minimumSize > 16 ? info->minimumSize : 16;
}

SiteTableInput siteTableInput(const TestImage &image, const NoteStream &stream,
                              bool acceptPrepatched) {
  SiteTableInput input;
  input.map = image.map();
  input.text = image.text();
  input.streams = &stream;
  input.streamCount = 1;
  input.acceptPrepatched = acceptPrepatched;
  return input;
}

} // namespace afterburner::loader::testing
