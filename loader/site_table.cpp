// site_table.cpp: note walking and record validation (see site_table.h).
#include "site_table.h"

#include "op_table.h"
#include "padding.h"
#include "site_sort.h"

namespace afterburner::loader {

namespace {

constexpr uintptr_t headerSize = sizeof(afterburner_note_header);

uintptr_t alignUp4(uintptr_t value) {
  return (value + 3) & ~uintptr_t(3);
}

// One note of a stream, with image addresses of its parts.
struct Note {
  uintptr_t address;
  afterburner_note_header header;
  uintptr_t name;
  uintptr_t descriptor;
};

enum class WalkStatus { Found, End, Truncated };

// Steps through the notes of one stream. Sizes are checked before anything past the
// header is read, so a hostile header cannot move the walk outside the stream.
class NoteWalker {
public:
  NoteWalker(const ImageMap &map, const NoteStream &stream)
      : map_(map), position_(stream.start), end_(stream.end) {}

  WalkStatus next(Note &note) {
    if (position_ >= end_)
      return WalkStatus::End;
    const uintptr_t remaining = end_ - position_;
    if (remaining < headerSize || !readImage(map_, position_, &note.header, headerSize))
      return WalkStatus::Truncated;
    const uintptr_t nameSpan = alignUp4(note.header.name_size);
    const uintptr_t descriptorSpan = alignUp4(note.header.descriptor_size);
    if (nameSpan + descriptorSpan > remaining - headerSize)
      return WalkStatus::Truncated;
    note.address = position_;
    note.name = position_ + headerSize;
    note.descriptor = note.name + nameSpan;
    position_ = note.descriptor + descriptorSpan;
    return WalkStatus::Found;
  }

  uintptr_t position() const { return position_; }

private:
  const ImageMap &map_;
  uintptr_t position_;
  uintptr_t end_;
};

bool isAfterburnerNote(const ImageMap &map, const Note &note) {
  if (note.header.name_size != AFTERBURNER_NOTE_NAME_SIZE)
    return false;
  if (AFTERBURNER_NOTE_TYPE_FAMILY(note.header.type) != AFTERBURNER_NOTE_FAMILY)
    return false;
  const uint8_t *name = mapImage(map, note.name, AFTERBURNER_NOTE_NAME_SIZE);
  return name && equalBytes(name, AFTERBURNER_NOTE_NAME, AFTERBURNER_NOTE_NAME_SIZE);
}

bool isKnownKind(uint32_t type) {
  const uint32_t kind = AFTERBURNER_NOTE_TYPE_KIND(type);
  return kind == AFTERBURNER_NOTE_KIND_SITES || kind == AFTERBURNER_NOTE_KIND_PATCH_STATE;
}

bool isCurrentGeneration(uint32_t type) {
  return AFTERBURNER_NOTE_TYPE_GENERATION(type) == AFTERBURNER_SITE_ABI_VERSION;
}

// Records are only 4-byte aligned in the note: copied, never dereferenced in place.
void loadRecord(const uint8_t *bytes, afterburner_site &record) {
  __builtin_memcpy(&record, bytes, sizeof record);
}

uintptr_t siteAddressOf(uintptr_t recordAddress, const afterburner_site &record) {
  return recordAddress + static_cast<uintptr_t>(static_cast<intptr_t>(record.site_offset));
}

bool modeExists(const OpInfo &info, unsigned mode) {
  switch (mode) {
  case 16:
    return info.modes & AFTERBURNER_MODE_16;
  case 32:
    return info.modes & AFTERBURNER_MODE_32;
  case 64:
    return info.modes & AFTERBURNER_MODE_64;
  default:
    return false;
  }
}

void reportTruncatedStream(Diagnostics &diagnostics, uintptr_t position) {
  DiagnosticLine(diagnostics)
      .text("afterburner: note stream truncated at ")
      .hex(position)
      .text(": the notes after it are ignored");
}

void refuseGeneration(SiteTable &table, Diagnostics &diagnostics, const Note &note) {
  const uint32_t records = note.header.descriptor_size / AFTERBURNER_SITE_RECORD_SIZE;
  const bool sites = AFTERBURNER_NOTE_TYPE_KIND(note.header.type) == AFTERBURNER_NOTE_KIND_SITES;
  DiagnosticLine line(diagnostics);
  line.text("afterburner: refused note at ").hex(note.address).text(": generation ");
  line.decimal(AFTERBURNER_NOTE_TYPE_GENERATION(note.header.type));
  line.text(", this loader reads generation ").decimal(AFTERBURNER_SITE_ABI_VERSION);
  if (!sites)
    return;
  line.text("; its ").decimal(records).text(" sites stay native");
  table.records += records;
  table.rejected += records;
}

void refuseRecord(SiteTable &table, Diagnostics &diagnostics, uintptr_t recordAddress,
                  const afterburner_site &record, RecordProblem problem) {
  ++table.rejected;
  DiagnosticLine(diagnostics)
      .text("afterburner: refused site record at ")
      .hex(recordAddress)
      .text(": site ")
      .hex(siteAddressOf(recordAddress, record))
      .text(" (op ")
      .text(opName(record.op))
      .text(" ")
      .decimal(record.op)
      .text("): ")
      .text(recordProblemText(problem));
}

// checkRecord's checks, inlined into the note walk (no call per record).
[[gnu::always_inline]] inline RecordProblem validateRecord(const SiteTableInput &input,
                                                           const afterburner_site &record,
                                                           uintptr_t recordAddress) {
  const OpInfo *info = opInfo(record.op);
  if (!info)
    return RecordProblem::UnknownOp;
  if (!modeExists(*info, record.mode))
    return RecordProblem::InvalidMode;
  if (record.insn_length == 0 || record.insn_length > record.site_length)
    return RecordProblem::InvalidLengths;
  if (record.site_length < info->minimumSize)
    return RecordProblem::SiteTooShort;
  const uintptr_t site = siteAddressOf(recordAddress, record);
  const uint8_t *bytes = mapImage(input.map, site, record.site_length);
  if (!bytes || !containsRange(input.text, site, record.site_length))
    return RecordProblem::OutsideText;
  if (record.flags & AFTERBURNER_SITE_FLAG_PREPATCHED)
    return input.acceptPrepatched ? RecordProblem::None : RecordProblem::PrepatchedWithoutState;
  const size_t paddingLength = record.site_length - record.insn_length;
  if (!isCanonicalPadding(bytes + record.insn_length, paddingLength, record.mode))
    return RecordProblem::PaddingNotCanonical;
  if (!opcodeMatches(record.op, bytes, record.insn_length, record.mode))
    return RecordProblem::OpcodeMismatch;
  return RecordProblem::None;
}

// Adds a valid site to the table's per-op and PREPATCHED counts, or (refused after
// all) takes it out again.
void countValid(SiteTable &table, const afterburner_site &record, bool valid) {
  const uint32_t prepatched = (record.flags & AFTERBURNER_SITE_FLAG_PREPATCHED) ? 1 : 0;
  if (valid) {
    ++table.opSites[record.op];
    table.prepatched += prepatched;
  } else {
    --table.opSites[record.op];
    table.prepatched -= prepatched;
  }
}

// bytes: the record's host bytes, or nullptr when its note is not mapped as a whole
// (each record is then looked up on its own).
void addRecord(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics,
               uintptr_t recordAddress, const uint8_t *bytes) {
  ++table.records;
  afterburner_site record;
  if (bytes)
    loadRecord(bytes, record);
  else if (!readRecord(input.map, recordAddress, record)) {
    ++table.rejected;
    return;
  }
  RecordProblem problem = validateRecord(input, record, recordAddress);
  if (problem == RecordProblem::None && table.count == table.capacity)
    problem = RecordProblem::TableFull;
  if (problem != RecordProblem::None) {
    refuseRecord(table, diagnostics, recordAddress, record, problem);
    return;
  }
  table.entries[table.count++] = {siteAddressOf(recordAddress, record), recordAddress};
  countValid(table, record, true);
}

void addSitesNote(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics,
                  const Note &note) {
  const uint32_t size = note.header.descriptor_size;
  if (size % AFTERBURNER_SITE_RECORD_SIZE != 0) {
    const uint32_t records = size / AFTERBURNER_SITE_RECORD_SIZE;
    table.records += records;
    table.rejected += records;
    DiagnosticLine(diagnostics)
        .text("afterburner: refused note at ")
        .hex(note.address)
        .text(": descriptor size ")
        .decimal(size)
        .text(" is not a multiple of the 24-byte record");
    return;
  }
  // The descriptor is resolved to host bytes once; records are then read in place.
  const uint8_t *records = mapImage(input.map, note.descriptor, size);
  for (uint32_t offset = 0; offset < size; offset += AFTERBURNER_SITE_RECORD_SIZE)
    addRecord(input, table, diagnostics, note.descriptor + offset,
              records ? records + offset : nullptr);
}

void addNote(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics,
             const Note &note) {
  if (!isAfterburnerNote(input.map, note) || !isKnownKind(note.header.type))
    return; // someone else's note, or a newer producer's kind: skip silently
  if (!isCurrentGeneration(note.header.type)) {
    refuseGeneration(table, diagnostics, note);
    return;
  }
  if (AFTERBURNER_NOTE_TYPE_KIND(note.header.type) == AFTERBURNER_NOTE_KIND_SITES)
    addSitesNote(input, table, diagnostics, note);
}

void walkStream(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics,
                const NoteStream &stream) {
  NoteWalker walker(input.map, stream);
  Note note;
  WalkStatus status;
  while ((status = walker.next(note)) == WalkStatus::Found)
    addNote(input, table, diagnostics, note);
  if (status == WalkStatus::Truncated)
    reportTruncatedStream(diagnostics, walker.position());
}

void refuseOverlap(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics,
                   SiteEntry &entry) {
  afterburner_site record;
  readRecord(input.map, entry.recordAddress, record);
  countValid(table, record, false);
  refuseRecord(table, diagnostics, entry.recordAddress, record, RecordProblem::Overlap);
  entry.recordAddress = 0;
}

// A valid entry's record was read before: only its site_length is looked up again.
uint8_t siteLengthOf(const ImageMap &map, const SiteEntry &entry) {
  const uint8_t *length =
      mapImage(map, entry.recordAddress + offsetof(afterburner_site, site_length), 1);
  return length ? *length : 0;
}

// Overlapping sites are both refused: neither record can be trusted. A refused entry
// gets record address 0 (never a record's) and is removed afterwards.
// Returns whether any entry was refused.
bool refuseOverlaps(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics) {
  const uint32_t rejectedBefore = table.rejected;
  uintptr_t reachEnd = 0; // the furthest end of any site so far ...
  size_t reachIndex = 0;  // ... and the entry it belongs to
  for (size_t index = 0; index < table.count; ++index) {
    SiteEntry &entry = table.entries[index];
    const uintptr_t end = entry.siteAddress + siteLengthOf(input.map, entry);
    const bool overlaps = index > 0 && entry.siteAddress < reachEnd;
    if (overlaps && table.entries[reachIndex].recordAddress != 0)
      refuseOverlap(input, table, diagnostics, table.entries[reachIndex]);
    if (overlaps)
      refuseOverlap(input, table, diagnostics, entry);
    if (index == 0 || end > reachEnd) {
      reachEnd = end;
      reachIndex = index;
    }
  }
  return table.rejected != rejectedBefore;
}

void removeRefused(SiteTable &table) {
  size_t kept = 0;
  for (size_t index = 0; index < table.count; ++index) {
    if (table.entries[index].recordAddress != 0)
      table.entries[kept++] = table.entries[index];
  }
  table.count = kept;
}

} // namespace

const char *recordProblemText(RecordProblem problem) {
  switch (problem) {
  case RecordProblem::None:
    return "valid";
  case RecordProblem::UnknownOp:
    return "unknown op (a newer assembler's, or corrupt): left native";
  case RecordProblem::InvalidMode:
    return "mode is not 16, 32 or 64, or the op does not exist in it";
  case RecordProblem::InvalidLengths:
    return "insn_length is 0 or larger than site_length";
  case RecordProblem::SiteTooShort:
    return "site_length is below the op's minimum site size";
  case RecordProblem::OutsideText:
    return "site is not inside the kernel text";
  case RecordProblem::PaddingNotCanonical:
    return "padding after the instruction is not the canonical nops";
  case RecordProblem::OpcodeMismatch:
    return "the bytes at the site are not an instruction of this op";
  case RecordProblem::PrepatchedWithoutState:
    return "marked PREPATCHED but the image's PATCH_STATE names no wedge";
  case RecordProblem::Overlap:
    return "site overlaps another site";
  case RecordProblem::TableFull:
    return "more sites than the loader's table holds (AFTERBURNER_LOADER_MAX_SITES)";
  }
  return "invalid";
}

bool readRecord(const ImageMap &map, uintptr_t recordAddress, afterburner_site &record) {
  const uint8_t *bytes = mapImage(map, recordAddress, sizeof record);
  if (!bytes)
    return false;
  loadRecord(bytes, record);
  return true;
}

RecordProblem checkRecord(const SiteTableInput &input, const afterburner_site &record,
                          uintptr_t recordAddress) {
  return validateRecord(input, record, recordAddress);
}

PatchStateNote findPatchState(const ImageMap &map, const NoteStream *streams, size_t streamCount) {
  PatchStateNote result;
  for (size_t index = 0; index < streamCount; ++index) {
    NoteWalker walker(map, streams[index]);
    Note note;
    while (walker.next(note) == WalkStatus::Found) {
      if (!isAfterburnerNote(map, note) || note.header.type != AFTERBURNER_NOTE_TYPE_PATCH_STATE)
        continue;
      if (note.header.descriptor_size < sizeof(afterburner_patch_state))
        continue;
      if (!readImage(map, note.descriptor, &result.state, sizeof result.state))
        continue;
      result.state.wedge[AFTERBURNER_WEDGE_NAME_SIZE - 1] = '\0';
      result.address = note.descriptor;
      return result;
    }
  }
  return result;
}

void collectSites(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics) {
  table.count = 0;
  table.records = 0;
  table.rejected = 0;
  table.prepatched = 0;
  for (uint32_t &sites : table.opSites)
    sites = 0;
  for (size_t index = 0; index < input.streamCount; ++index)
    walkStream(input, table, diagnostics, input.streams[index]);
  // The entries past count are free: they are the merge sort's scratch.
  sortSitesByAddress(table.entries, table.count, table.entries + table.count,
                     table.capacity - table.count);
  if (refuseOverlaps(input, table, diagnostics))
    removeRefused(table);
}

} // namespace afterburner::loader
