// NotesCommand.cpp: `afterburner notes [--json] FILE...`: the site table of objects,
// archive members and linked images, with totals per op and the PATCH_STATE note.
#include "Commands.h"

#include "afterburner/elf/Archive.h"
#include "afterburner/elf/ElfFile.h"
#include "afterburner/site_abi.h"

#include <CLI/CLI.hpp>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace afterburner::tool {
namespace {

const char *const opNames[AFTERBURNER_OP_LIMIT] = {"invalid",
#define AFTERBURNER_OP_NAME(name, id, size, class_, flow, modes) #name,
                                                   AFTERBURNER_SITE_OPS(AFTERBURNER_OP_NAME)
#undef AFTERBURNER_OP_NAME
};

const char *opName(unsigned op) {
  return op < AFTERBURNER_OP_LIMIT ? opNames[op] : "unknown";
}

std::string flagNames(unsigned flags) {
  static const std::pair<unsigned, const char *> names[] = {
      {AFTERBURNER_SITE_FLAG_COPIED_SECTION, "copied"},
      {AFTERBURNER_SITE_FLAG_INIT_SECTION, "init"},
      {AFTERBURNER_SITE_FLAG_EXIT_SECTION, "exit"},
      {AFTERBURNER_SITE_FLAG_EARLY, "early"},
      {AFTERBURNER_SITE_FLAG_REP, "rep"},
      {AFTERBURNER_SITE_FLAG_PREPATCHED, "prepatched"}};
  std::string text;
  for (const auto &[bit, name] : names)
    if (flags & bit)
      text += (text.empty() ? "" : ",") + std::string(name);
  return text.empty() ? "-" : text;
}

struct SiteRow {
  std::string Section;  // where the site is
  uint64_t Address = 0; // linked: virtual address; object: offset in Section
  afterburner_site Record{};
};

struct FileReport {
  std::string Name;
  std::vector<SiteRow> Sites;
  bool HasPatchState = false;
  afterburner_patch_state PatchState{};
};

afterburner_site decodeRecord(const uint8_t *bytes) {
  afterburner_site record;
  std::memcpy(&record, bytes, sizeof record); // little-endian host and file (x86)
  return record;
}

// Where an object's record points: its site_offset field carries a PC-relative relocation
// (value = S + A - P), so the site is at symbol S + addend A.
bool resolveObjectSite(const elf::ElfFile &file, const std::vector<elf::Symbol> &symbols,
                       const std::vector<elf::Relocation> &relocations, uint64_t fieldOffset,
                       int32_t storedValue, SiteRow &row) {
  for (const elf::Relocation &relocation : relocations) {
    if (relocation.Offset != fieldOffset)
      continue;
    if (relocation.SymbolIndex >= symbols.size())
      return false;
    const elf::Symbol &symbol = symbols[relocation.SymbolIndex];
    int64_t addend = relocation.ExplicitAddend ? relocation.Addend : storedValue;
    if (symbol.SectionIndex >= file.sections().size())
      return false;
    row.Section = file.sections()[symbol.SectionIndex].Name;
    row.Address = symbol.Value + static_cast<uint64_t>(addend);
    return true;
  }
  return false;
}

class NotesReader {
public:
  explicit NotesReader(std::vector<std::string> &errors) : errors(errors) {}

  void read(const elf::ElfFile &file, FileReport &report) {
    bool sawNoteSection = false;
    for (const elf::Section &section : file.sections()) {
      if (section.Type != 7 /* SHT_NOTE */)
        continue;
      sawNoteSection = true;
      for (const elf::Note &note : file.notes(section))
        readNote(file, &section, section.Address + note.DescriptorOffset,
                 section.Offset + note.DescriptorOffset, note, report);
    }
    if (sawNoteSection || file.isRelocatable())
      return;
    for (const elf::ProgramHeader &segment : file.programHeaders()) // no section headers
      if (segment.Type == 4 /* PT_NOTE */)
        for (const elf::Note &note : file.notes(segment))
          readNote(file, nullptr, segment.VirtualAddress + note.DescriptorOffset,
                   segment.Offset + note.DescriptorOffset, note, report);
  }

private:
  void readNote(const elf::ElfFile &file, const elf::Section *section, uint64_t address,
                uint64_t fileOffset, const elf::Note &note, FileReport &report) {
    if (note.Owner != AFTERBURNER_NOTE_NAME ||
        AFTERBURNER_NOTE_TYPE_FAMILY(note.Type) != AFTERBURNER_NOTE_FAMILY)
      return; // someone else's note
    unsigned kind = AFTERBURNER_NOTE_TYPE_KIND(note.Type);
    if (kind != AFTERBURNER_NOTE_KIND_SITES && kind != AFTERBURNER_NOTE_KIND_PATCH_STATE)
      return; // a newer producer's kind
    if (AFTERBURNER_NOTE_TYPE_GENERATION(note.Type) != AFTERBURNER_SITE_ABI_VERSION) {
      errors.push_back(file.name() + ": note generation " +
                       std::to_string(AFTERBURNER_NOTE_TYPE_GENERATION(note.Type)) +
                       " refused: this tool reads generation " +
                       std::to_string(AFTERBURNER_SITE_ABI_VERSION));
      return;
    }
    if (kind == AFTERBURNER_NOTE_KIND_PATCH_STATE) {
      if (note.Descriptor.Size >= sizeof(afterburner_patch_state)) {
        report.HasPatchState = true;
        std::memcpy(&report.PatchState, note.Descriptor.Data, sizeof report.PatchState);
      }
      return;
    }
    if (note.Descriptor.Size % AFTERBURNER_SITE_RECORD_SIZE)
      errors.push_back(file.name() + ": a SITES note of " + std::to_string(note.Descriptor.Size) +
                       " bytes is not a whole number of records");
    readSites(file, section, address, fileOffset, note, report);
  }

  void readSites(const elf::ElfFile &file, const elf::Section *section, uint64_t address,
                 uint64_t fileOffset, const elf::Note &note, FileReport &report) {
    std::vector<elf::Symbol> symbols;
    std::vector<elf::Relocation> relocations;
    if (file.isRelocatable() && section) {
      symbols = file.symbols();
      relocations = file.relocationsFor(*section);
    }
    size_t count = note.Descriptor.Size / AFTERBURNER_SITE_RECORD_SIZE;
    for (size_t index = 0; index < count; ++index) {
      uint64_t offset = index * AFTERBURNER_SITE_RECORD_SIZE;
      SiteRow row;
      row.Record = decodeRecord(note.Descriptor.Data + offset);
      if (file.isRelocatable()) {
        uint64_t fieldOffset = fileOffset - section->Offset + offset;
        if (!resolveObjectSite(file, symbols, relocations, fieldOffset, row.Record.site_offset,
                               row)) {
          row.Section = "?";
          row.Address = 0;
        }
      } else {
        row.Address = address + offset + static_cast<uint64_t>(int64_t(row.Record.site_offset));
        const elf::Section *where = file.sectionAt(row.Address);
        row.Section = where ? where->Name : "?";
      }
      report.Sites.push_back(row);
    }
  }

  std::vector<std::string> &errors;
};

void printTable(const FileReport &report, std::map<std::string, unsigned> &totals) {
  std::printf("%s:\n", report.Name.c_str());
  if (report.HasPatchState)
    std::printf("  patch state: wedge '%.*s', %u sites pre-patched\n", AFTERBURNER_WEDGE_NAME_SIZE,
                report.PatchState.wedge, report.PatchState.patched_sites);
  if (report.Sites.empty()) {
    std::printf("  no sites\n");
    return;
  }
  std::printf("  %-18s %-24s %-19s %4s %4s %4s  %s\n", "address", "section", "op", "insn", "site",
              "mode", "flags");
  std::map<std::string, unsigned> fileTotals;
  for (const SiteRow &row : report.Sites) {
    const afterburner_site &site = row.Record;
    std::printf("  0x%016" PRIx64 " %-24s %-19s %4u %4u %4u  %s\n", row.Address,
                row.Section.c_str(), opName(site.op), site.insn_length, site.site_length, site.mode,
                flagNames(site.flags).c_str());
    ++fileTotals[opName(site.op)];
    ++totals[opName(site.op)];
  }
  std::printf("  totals:");
  for (const auto &[op, count] : fileTotals)
    std::printf(" %s=%u", op.c_str(), count);
  std::printf(" (%zu sites)\n", report.Sites.size());
}

std::string jsonString(const std::string &text) {
  std::string quoted = "\"";
  for (char character : text) {
    if (character == '"' || character == '\\')
      quoted += '\\';
    if (static_cast<unsigned char>(character) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", character);
      quoted += escape;
      continue;
    }
    quoted += character;
  }
  return quoted + "\"";
}

void printJsonSite(const SiteRow &row, bool last) {
  const afterburner_site &site = row.Record;
  std::printf("      {\"address\": %" PRIu64 ", \"section\": %s, \"op\": \"%s\", \"op_id\": %u, "
              "\"insn_length\": %u, \"site_length\": %u, \"mode\": %u, \"flags\": %u, "
              "\"prepatched\": %s, \"operand_form\": %u, \"operand_width\": %u, \"reg\": %u, "
              "\"special\": %u, \"base\": %u, \"index\": %u, \"scale\": %u, \"segment\": %u, "
              "\"immediate\": %u, \"displacement\": %d}%s\n",
              row.Address, jsonString(row.Section).c_str(), opName(site.op), site.op,
              site.insn_length, site.site_length, site.mode, site.flags,
              (site.flags & AFTERBURNER_SITE_FLAG_PREPATCHED) ? "true" : "false", site.operand_form,
              site.operand_width, site.reg, site.special, site.base, site.index, site.scale,
              site.segment, site.immediate, site.displacement, last ? "" : ",");
}

void printJson(const std::vector<FileReport> &reports) {
  std::map<std::string, unsigned> totals;
  std::printf("{\n  \"files\": [\n");
  for (size_t file = 0; file < reports.size(); ++file) {
    const FileReport &report = reports[file];
    std::printf("    {\"file\": %s, ", jsonString(report.Name).c_str());
    if (report.HasPatchState)
      std::printf(
          "\"patch_state\": {\"wedge\": %s, \"patched_sites\": %u}, ",
          jsonString(std::string(report.PatchState.wedge,
                                 strnlen(report.PatchState.wedge, AFTERBURNER_WEDGE_NAME_SIZE)))
              .c_str(),
          report.PatchState.patched_sites);
    std::printf("\"sites\": [\n");
    for (size_t index = 0; index < report.Sites.size(); ++index) {
      printJsonSite(report.Sites[index], index + 1 == report.Sites.size());
      ++totals[opName(report.Sites[index].Record.op)];
    }
    std::printf("    ]}%s\n", file + 1 == reports.size() ? "" : ",");
  }
  std::printf("  ],\n  \"totals\": {");
  size_t written = 0;
  for (const auto &[op, count] : totals)
    std::printf("%s\"%s\": %u", written++ ? ", " : "", op.c_str(), count);
  std::printf("}\n}\n");
}

bool readPath(const std::string &path, std::vector<FileReport> &reports,
              std::vector<std::string> &errors) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    errors.push_back(path + ": cannot open: " + std::strerror(errno));
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(stream)),
                             std::istreambuf_iterator<char>());
  std::vector<std::pair<std::string, std::vector<uint8_t>>> images;
  if (elf::isArchive(bytes)) {
    std::vector<elf::ArchiveMember> members;
    std::string error;
    if (!elf::readArchive(path, bytes, members, error)) {
      errors.push_back(error);
      return false;
    }
    for (elf::ArchiveMember &member : members)
      if (elf::ElfFile::isElf(member.Bytes))
        images.emplace_back(path + "(" + member.Name + ")", std::move(member.Bytes));
  } else {
    images.emplace_back(path, std::move(bytes));
  }
  NotesReader reader(errors);
  for (auto &[name, image] : images) {
    std::string error;
    std::unique_ptr<elf::ElfFile> file = elf::ElfFile::parse(name, std::move(image), error);
    if (!file) {
      errors.push_back(error);
      continue;
    }
    FileReport report;
    report.Name = name;
    reader.read(*file, report);
    reports.push_back(std::move(report));
  }
  return true;
}

} // namespace

int runNotes(const Arguments &arguments) {
  CLI::App app{"afterburner notes: list the sites recorded in objects, archives and linked images"};
  app.name("afterburner notes");
  bool json = false;
  std::vector<std::string> paths;
  app.add_flag("--json", json, "print JSON instead of a table");
  app.add_option("files", paths, "ELF objects, archives or linked images")->required();
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError &error) {
    return app.exit(error);
  }
  std::vector<FileReport> reports;
  std::vector<std::string> errors;
  for (const std::string &path : paths)
    readPath(path, reports, errors);
  if (json) {
    printJson(reports);
  } else {
    std::map<std::string, unsigned> totals;
    for (const FileReport &report : reports)
      printTable(report, totals);
    if (reports.size() > 1) {
      unsigned all = 0;
      std::printf("totals:");
      for (const auto &[op, count] : totals) {
        std::printf(" %s=%u", op.c_str(), count);
        all += count;
      }
      std::printf(" (%u sites)\n", all);
    }
  }
  for (const std::string &error : errors)
    std::fprintf(stderr, "afterburner notes: error: %s\n", error.c_str());
  return errors.empty() ? 0 : 1;
}

} // namespace afterburner::tool
