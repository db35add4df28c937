// ElfImage.h: loads a 64-bit x86 ELF kernel into the host process at its link
// address (guest-physical == process-virtual), as the vthread host does before it
// runs the kernel as vthread 0.
#ifndef AFTERBURNER_AKAROS_HOST_ELFIMAGE_H
#define AFTERBURNER_AKAROS_HOST_ELFIMAGE_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace afterburner::akaros {

struct LoadedSegment {
  uint64_t address = 0;
  uint64_t bytes = 0; // memory size, page-rounded
};

class ElfImage {
public:
  // Reads and validates the file; on bad input returns nullopt and sets error
  // ("file: what and why").
  static std::optional<ElfImage> read(const std::string &path, std::string &error);

  // Maps every PT_LOAD at its physical (= virtual) address in this process,
  // copies the file bytes and zeroes the rest. False (with error) if a segment
  // overlaps memory the process already uses or lies above `limit`.
  bool load(uint64_t limit, std::string &error);

  std::optional<uint64_t> symbol(const std::string &name) const;
  // The address and size of the named section (e.g. .note.afterburner).
  std::optional<LoadedSegment> section(const std::string &name) const;
  uint64_t entry() const { return entry_; }
  const std::vector<LoadedSegment> &segments() const { return segments_; }

private:
  std::string path_;
  std::vector<uint8_t> bytes_;
  uint64_t entry_ = 0;
  std::vector<LoadedSegment> segments_;
};

} // namespace afterburner::akaros

#endif
