// Archive.cpp: the ar format: "!<arch>\n" or "!<thin>\n", then 60-byte member headers.
#include "afterburner/elf/Archive.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace afterburner::elf {
namespace {

constexpr size_t magicSize = 8;
constexpr size_t headerSize = 60;

std::string trimmed(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  size_t end = text.find_last_not_of(' ');
  return end == std::string::npos ? std::string() : text.substr(0, end + 1);
}

// GNU names: "name/" or "/offset" into the "//" table.
std::string memberName(const std::string &raw, const std::string &longNames) {
  if (raw.size() > 1 && raw[0] == '/' && raw[1] >= '0' && raw[1] <= '9') {
    size_t offset = std::strtoul(raw.c_str() + 1, nullptr, 10);
    if (offset >= longNames.size())
      return raw;
    size_t end = longNames.find('\n', offset);
    std::string name = longNames.substr(offset, end == std::string::npos ? end : end - offset);
    if (!name.empty() && name.back() == '/')
      name.pop_back();
    return name;
  }
  return !raw.empty() && raw.back() == '/' ? raw.substr(0, raw.size() - 1) : raw;
}

bool readFile(const std::string &path, std::vector<uint8_t> &bytes) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream)
    return false;
  bytes.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
  return true;
}

} // namespace

bool isArchive(const std::vector<uint8_t> &bytes) {
  return bytes.size() >= magicSize && (!std::memcmp(bytes.data(), "!<arch>\n", magicSize) ||
                                       !std::memcmp(bytes.data(), "!<thin>\n", magicSize));
}

bool readArchive(const std::string &archivePath, const std::vector<uint8_t> &bytes,
                 std::vector<ArchiveMember> &members, std::string &error) {
  if (!isArchive(bytes)) {
    error = archivePath + ": not an archive";
    return false;
  }
  bool thin = !std::memcmp(bytes.data(), "!<thin>\n", magicSize);
  std::string directory;
  size_t slash = archivePath.rfind('/');
  if (slash != std::string::npos)
    directory = archivePath.substr(0, slash + 1);
  std::string longNames;
  size_t at = magicSize;
  while (at + headerSize <= bytes.size()) {
    const uint8_t *header = bytes.data() + at;
    if (header[58] != '`' || header[59] != '\n') {
      error = archivePath + ": malformed member header at offset " + std::to_string(at);
      return false;
    }
    std::string raw = trimmed(header, 16);
    size_t size = std::strtoul(trimmed(header + 48, 10).c_str(), nullptr, 10);
    size_t data = at + headerSize;
    bool special = raw == "/" || raw == "/SYM64/" || raw == "//";
    bool stored = !thin || special; // thin archives store only the tables
    if (stored && size > bytes.size() - data) {
      error = archivePath + ": member '" + raw + "' is truncated";
      return false;
    }
    if (raw == "//")
      longNames.assign(reinterpret_cast<const char *>(bytes.data() + data), size);
    if (!special) {
      ArchiveMember member;
      member.Name = memberName(raw, longNames);
      if (stored)
        member.Bytes.assign(bytes.begin() + data, bytes.begin() + data + size);
      else if (!readFile(member.Name[0] == '/' ? member.Name : directory + member.Name,
                         member.Bytes)) {
        error = archivePath + ": cannot read thin member '" + member.Name + "'";
        return false;
      }
      members.push_back(std::move(member));
    }
    at = stored ? data + size + (size & 1) : data;
  }
  return true;
}

} // namespace afterburner::elf
