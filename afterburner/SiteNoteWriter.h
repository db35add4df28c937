// SiteNoteWriter.h: writes the collected site records into .note.afterburner (site_abi.h
// sections 2 and 4): one SITES note per section group, PC-relative site_offset.
#pragma once

#include "afterburner/SensitiveInstruction.h"

#include "llvm/ADT/ArrayRef.h"

namespace llvm {
class MCSectionELF;
class MCSymbol;
} // namespace llvm

namespace afterburner {

class RewritingStreamer;

// One site as the streamer saw it; written out when the object is finished.
struct SiteRecord {
  llvm::MCSymbol *Start = nullptr;             // the site's first byte
  const llvm::MCSectionELF *Section = nullptr; // where the site lives
  SensitiveInstruction Fields;
  uint8_t SiteLength = 0;
  uint8_t InstructionLength = 0;
  uint8_t Mode = 64;
  uint8_t Flags = 0;
  uint8_t Segment = 0xff;
};

class SiteNoteWriter {
public:
  explicit SiteNoteWriter(RewritingStreamer &streamer) : streamer(streamer) {}
  // Emits every record; switches sections, so call it once the input is consumed.
  void write(llvm::ArrayRef<SiteRecord> records);

private:
  void writeNote(const llvm::MCSectionELF *groupSection,
                 llvm::ArrayRef<const SiteRecord *> records);
  void writeRecord(const SiteRecord &record);
  void writeDisplacement(const SiteRecord &record);

  RewritingStreamer &streamer;
};

} // namespace afterburner
