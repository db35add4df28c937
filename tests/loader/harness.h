// harness.h: the loader's sources, hosted. Stubs the platform seam (loader/platform.h):
// text writes go to an in-memory image and are logged, so tests can check that every
// site is written exactly once and that nothing is written on bare metal.
#pragma once

#include "image.h"
#include "site_table.h"

#include <afterburner/site_abi.h>
#include <afterburner/wedge_abi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace afterburner::loader::testing {

// Every platform::copyToText call since the last reset.
struct TextWrite {
  const uint8_t *destination;
  size_t length;
};
struct TextWriteLog {
  std::vector<TextWrite> writes;
  int sessionsOpened = 0;
  int sessionsClosed = 0;
  bool writeOutsideSession = false;
  bool dropWrites = false; // set by a test: writes are logged but do not take
};
TextWriteLog &textWriteLog();
void resetTextWriteLog();

// The canonical padding bytes of a length, for expectations.
std::vector<uint8_t> canonicalNops(size_t length, unsigned mode = 64);

// A kernel image in a byte buffer at a fixed image address: text, then a note
// stream, then a data area (wedge inline templates). Records are site-relative
// exactly as a linker would resolve them.
class TestImage {
public:
  static constexpr uintptr_t base = 0x400000;
  static constexpr size_t textSize = 0x20000;
  static constexpr size_t notesSize = 0x20000;
  static constexpr size_t dataSize = 0x1000;

  TestImage();

  uintptr_t textStart() const { return base; }
  uintptr_t textEnd() const { return base + textSize; }
  uintptr_t notesStart() const { return base + textSize; }
  uintptr_t notesEnd() const { return notesStart() + notesUsed_; }
  uintptr_t dataStart() const { return notesStart() + notesSize; }

  ImageMap map() const { return {&range_, 1}; }
  TextRange text() const { return {textStart(), textEnd()}; }
  NoteStream notes() const { return {notesStart(), notesEnd()}; }
  uint8_t *at(uintptr_t address) { return bytes_.data() + (address - base); }
  std::vector<uint8_t> read(uintptr_t address, size_t length) const;

  // Writes instruction + canonical padding at the next free text position (or at
  // `address` when non-zero) and returns the site address.
  uintptr_t placeSite(const std::vector<uint8_t> &instruction, uint8_t siteLength,
                      unsigned mode = 64, uintptr_t address = 0);
  // Appends one SITES note holding these records; record i describes sites[i]. Returns
  // the image address of the first record.
  uintptr_t addSitesNote(const std::vector<afterburner_site> &records,
                         const std::vector<uintptr_t> &sites);
  // Appends an arbitrary note (name padded to 4, descriptor padded to 4).
  uintptr_t addNote(uint32_t type, const std::string &name, const std::vector<uint8_t> &descriptor,
                    uint32_t nameSize = 0xffffffff, uint32_t descriptorSize = 0xffffffff);
  // Appends raw bytes to the note stream (truncated or hostile notes).
  void addRawNoteBytes(const std::vector<uint8_t> &bytes);
  // Appends a PATCH_STATE note (empty name: zero-filled) and returns its descriptor.
  uintptr_t addPatchStateNote(const char *wedge = "", uint32_t patchedSites = 0);
  // Copies bytes into the data area and returns their image address.
  uintptr_t placeData(const std::vector<uint8_t> &bytes);

  // A record for a site with defaults for everything but op/lengths.
  static afterburner_site record(unsigned op, uint8_t siteLength, uint8_t insnLength,
                                 unsigned mode = 64);

  // One site + one note in one call; returns the site address. recordAddress (if
  // not null) receives the record's image address.
  uintptr_t addSite(unsigned op, const std::vector<uint8_t> &instruction, uint8_t siteLength,
                    unsigned mode = 64, uintptr_t *recordAddress = nullptr, uint8_t flags = 0);

private:
  std::vector<uint8_t> bytes_;
  ImageRange range_;
  size_t textUsed_ = 0x100; // sites start past the start so offsets are never 0
  size_t notesUsed_ = 0;
  size_t dataUsed_ = 0;
};

// A representative instruction for each op (64-bit encodings, 32-bit for the
// legacy-only ones), for tests that cover every op.
std::vector<uint8_t> sampleInstruction(unsigned op);
// The mode sampleInstruction's encoding is for.
unsigned sampleMode(unsigned op);
// A site_length the op accepts for its sample instruction: its minimum site size (12, 16
// for cli/sti, 32/48 for pushf/popf), never below 16.
uint8_t sampleSiteLength(unsigned op);

// What collectSites reads for image's one note stream, as the guest passes it; stream
// (image.notes()) must outlive the result.
SiteTableInput siteTableInput(const TestImage &image, const NoteStream &stream,
                              bool acceptPrepatched = false);

} // namespace afterburner::loader::testing
