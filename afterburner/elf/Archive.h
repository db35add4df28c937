// Archive.h: members of ar archives (regular and GNU thin archives such as Kbuild's
// built-in.a), for tools that read the objects inside.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace afterburner::elf {

struct ArchiveMember {
  std::string Name;
  std::vector<uint8_t> Bytes;
};

bool isArchive(const std::vector<uint8_t> &bytes);

// Reads every member except the symbol and name tables. Thin archive members are read
// from their paths, relative to the archive's directory. Returns false and sets `error`
// on a malformed archive.
bool readArchive(const std::string &archivePath, const std::vector<uint8_t> &bytes,
                 std::vector<ArchiveMember> &members, std::string &error);

} // namespace afterburner::elf
