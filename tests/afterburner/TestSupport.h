// TestSupport.h: run afterburner-as on test inputs and read the site records back.
#pragma once

#include "afterburner/elf/ElfFile.h"
#include "afterburner/site_abi.h"

#include <memory>
#include <string>
#include <vector>

namespace afterburner::test {

struct RunResult {
  int ExitCode = -1;
  std::string Output; // stdout + stderr
};

// Runs a shell command, capturing stdout and stderr.
RunResult run(const std::string &command);
std::string inputPath(const std::string &name);
// The scratch directory of the running test (emptied on the test's first call).
std::string scratchDirectory();
bool fileExists(const std::string &path);
std::vector<uint8_t> readBytes(const std::string &path);

// Assembles inputs/<name> with extra options into <scratch>/<name>.o; returns the path.
std::string assemble(const std::string &name, const std::string &options = "");

struct Site {
  afterburner_site Record{};
  std::string Section;        // the section holding the site
  uint64_t Offset = 0;        // site offset in that section
  std::string NoteSection;    // the note section (with its group) holding the record
  std::vector<uint8_t> Bytes; // site_length bytes at the site
  // MEMORY_SELF_RELATIVE: the operand's effective address as section + offset.
  std::string TargetSection;
  int64_t TargetOffset = 0;
};

// Every record of every .note.afterburner section of an object, with site_offset (and
// self-relative displacements) resolved through their relocations.
std::vector<Site> readSites(const std::string &objectPath);

// The canonical padding of site_abi.h section 5 for `count` bytes in `mode`.
std::vector<uint8_t> canonicalPadding(unsigned count, unsigned mode);

} // namespace afterburner::test
