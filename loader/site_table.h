// site_table.h: walking the note stream and validating every site record.
//
// Validation follows site_abi.h: notes of other owners and other families are
// skipped; an 'AB' note of a known kind but another generation is refused with a
// message; unknown kinds are skipped. Each SITES record is checked on its own (op,
// mode, lengths, text range, canonical padding, opcode) and then against all
// others (no two sites overlap). A refused record is counted, reported and its
// site left native; nothing here writes, and a malformed table cannot make it
// read outside the note stream or the text.
#pragma once

#include "image.h"
#include "report.h"

#include <afterburner/site_abi.h>

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader {

// Image addresses of a stream of ELF notes (e.g. a PT_NOTE segment).
struct NoteStream {
  uintptr_t start = 0;
  uintptr_t end = 0;
};

// One valid site: where its bytes are and where its record is (image addresses).
struct SiteEntry {
  uintptr_t siteAddress;
  uintptr_t recordAddress;
};

// Where the image's PATCH_STATE note is and what it says.
struct PatchStateNote {
  uintptr_t address = 0; // image address of the descriptor; 0: the image has none
  afterburner_patch_state state = {};
  bool filled() const { return state.wedge[0] != '\0'; }
};

struct SiteTableInput {
  ImageMap map;
  TextRange text;
  const NoteStream *streams = nullptr;
  size_t streamCount = 0;
  // True when the PATCH_STATE note names a wedge: PREPATCHED records are then
  // accepted without checking their bytes (they hold that wedge's code).
  bool acceptPrepatched = false;
};

// The result: valid sites sorted by address, plus counts. The entries array is the
// caller's (a static array in the guest, a vector hosted); the entries past count are
// the sort's scratch (site_sort.h), so spare capacity makes an out-of-order table
// cheaper to sort (without it the table is heap-sorted).
struct SiteTable {
  SiteEntry *entries = nullptr;
  size_t capacity = 0;
  size_t count = 0;      // valid sites in entries
  uint32_t records = 0;  // every site record seen, valid or not
  uint32_t rejected = 0; // records refused
  // Of the valid sites: how many per op id, and how many are PREPATCHED (counted as
  // they are accepted, so a pass that writes nothing need not read them again).
  uint32_t opSites[AFTERBURNER_OP_LIMIT] = {};
  uint32_t prepatched = 0;
};

// Why a record was refused.
enum class RecordProblem : uint8_t {
  None,
  UnknownOp,
  InvalidMode,
  InvalidLengths,
  SiteTooShort,
  OutsideText,
  PaddingNotCanonical,
  OpcodeMismatch,
  PrepatchedWithoutState,
  Overlap,
  TableFull,
};
const char *recordProblemText(RecordProblem problem);

// Checks one record in isolation. recordAddress is its image address.
RecordProblem checkRecord(const SiteTableInput &input, const afterburner_site &record,
                          uintptr_t recordAddress);

// Finds the first PATCH_STATE note of the streams (its generation must match).
PatchStateNote findPatchState(const ImageMap &map, const NoteStream *streams, size_t streamCount);

// Walks every note, validates every record, sorts the valid ones by address and
// refuses overlapping ones. Reports each refusal into diagnostics.
void collectSites(const SiteTableInput &input, SiteTable &table, Diagnostics &diagnostics);

// Reads the record of an entry (records are read by copy: the stream is only
// 4-byte aligned and may not be mapped the way a struct pointer needs).
bool readRecord(const ImageMap &map, uintptr_t recordAddress, afterburner_site &record);

} // namespace afterburner::loader
