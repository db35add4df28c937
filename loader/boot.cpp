// boot.cpp: afterburner_boot(), the loader's only exported function (loader.h).
#include "boot.h"

#include "text_write.h"

#ifndef AFTERBURNER_LOADER_MAX_SITES
#define AFTERBURNER_LOADER_MAX_SITES 16384
#endif

namespace afterburner::loader {

namespace {

constexpr char commandLineOff[] = "afterburner=off";

bool isSpace(char value) {
  return value == ' ' || value == '\t' || value == '\n';
}

bool wordAt(const char *position, const char *word) {
  size_t index = 0;
  for (; word[index]; ++index) {
    if (position[index] != word[index])
      return false;
  }
  return position[index] == '\0' || isSpace(position[index]);
}

void writeConsole(const afterburner_boot_info &boot, const char *text, size_t length) {
  if (boot.console_write && length > 0)
    boot.console_write(text, length);
}

const char *wedgeName(const afterburner_wedge *wedge) {
  return wedge ? wedge->name : "none";
}

// Warns when the image was pre-patched for a wedge that is not the one running.
void checkPrepatchedFor(const PatchStateNote &patchState, const afterburner_wedge *wedge,
                        Diagnostics &diagnostics) {
  if (!patchState.filled() || (wedge && wedgeNameEquals(wedge->name, patchState.state.wedge)))
    return;
  DiagnosticLine(diagnostics)
      .text("afterburner: warning: image pre-patched for ")
      .text(patchState.state.wedge)
      .text(" but that wedge is not detected or not linked: its sites hold its code anyway");
}

// Calls init(); a failing wedge leaves the guest on native sites.
const afterburner_wedge *initialiseWedge(const afterburner_boot_info &boot,
                                         const afterburner_wedge *wedge, Diagnostics &diagnostics) {
  if (!wedge || !wedge->init)
    return wedge;
  const int status = wedge->init(&boot);
  if (status == 0)
    return wedge;
  DiagnosticLine(diagnostics)
      .text("afterburner: wedge ")
      .text(wedge->name)
      .text(" init failed (")
      .signedDecimal(status)
      .text("): every site stays native");
  return nullptr;
}

void fillResult(afterburner_boot_result &result, const afterburner_wedge *wedge,
                const SiteTable &table, const PatchCounts &counts) {
  result.wedge = wedgeName(wedge);
  result.sites = table.records;
  result.patched = counts.patched;
  result.native = counts.native;
  // Sites whose wedge entry could not be applied stay native, but they are a wedge
  // or table error: they are counted with the refused records.
  result.rejected = table.rejected + counts.failed;
}

void printReport(const afterburner_boot_info &boot, const afterburner_boot_result &result,
                 const PatchCounts &counts, bool patchingDisabled, Diagnostics &diagnostics) {
  writeConsole(boot, diagnostics.text(), diagnostics.size());
  if (diagnostics.droppedLines() > 0) {
    char buffer[96];
    TextBuilder line(buffer, sizeof buffer);
    line.text("afterburner: ").decimal(diagnostics.droppedLines()).text(" more messages\n");
    writeConsole(boot, line.data(), line.size());
  }
  Summary summary;
  summary.wedge = result.wedge;
  summary.sites = result.sites;
  summary.patched = result.patched;
  summary.native = result.native;
  summary.rejected = result.rejected;
  summary.opCounts = counts.opSites;
  summary.note = patchingDisabled ? "patching disabled" : nullptr;
  char line[1536];
  writeConsole(boot, line, formatSummary(summary, line, sizeof line));
}

} // namespace

bool commandLineDisablesPatching(const char *commandLine) {
  if (!commandLine)
    return false;
  for (const char *position = commandLine; *position; ++position) {
    const bool wordStart = position == commandLine || isSpace(position[-1]);
    if (wordStart && wordAt(position, commandLineOff))
      return true;
  }
  return false;
}

namespace {

// Step 1: every record validated, valid sites sorted in environment.entries.
SiteTable collectBootSites(const afterburner_boot_info &boot, const BootEnvironment &environment,
                           const NoteStream &stream, const PatchStateNote &patchState) {
  SiteTableInput input;
  input.map = environment.map;
  input.text = {boot.text_start, boot.text_end};
  input.streams = &stream;
  input.streamCount = 1;
  input.acceptPrepatched = patchState.filled();
  SiteTable table;
  table.entries = environment.entries;
  table.capacity = environment.entryCapacity;
  collectSites(input, table, *environment.diagnostics);
  return table;
}

// Step 2: the wedge to patch for (nullptr: bare metal, or its init() failed).
const afterburner_wedge *chooseWedge(const afterburner_boot_info &boot,
                                     const BootEnvironment &environment,
                                     const PatchStateNote &patchState) {
  Diagnostics &diagnostics = *environment.diagnostics;
  const char *required = patchState.filled() ? patchState.state.wedge : nullptr;
  const afterburner_wedge *wedge = selectWedge(environment.wedges, &boot, required, diagnostics);
  checkPrepatchedFor(patchState, wedge, diagnostics);
  return initialiseWedge(boot, wedge, diagnostics);
}

// Step 3: writes only with a wedge and patching enabled; counts either way.
PatchCounts patchBootSites(const afterburner_boot_info &boot, const BootEnvironment &environment,
                           const SiteTable &table, const afterburner_wedge *wedge,
                           bool patchingDisabled) {
  PatchOptions options;
  options.map = environment.map;
  options.wedge = wedge;
  options.writeSites = !patchingDisabled;
  PatchCounts counts;
  if (!wedge || patchingDisabled) {
    patchSites(options, table, counts, *environment.diagnostics); // nothing is written
    return counts;
  }
  TextWriteSession session(&boot);
  patchSites(options, table, counts, *environment.diagnostics);
  return counts;
}

} // namespace

void runBoot(const afterburner_boot_info &boot, const BootEnvironment &environment,
             afterburner_boot_result &result) {
  const NoteStream stream = {reinterpret_cast<uintptr_t>(boot.notes_start),
                             reinterpret_cast<uintptr_t>(boot.notes_end)};
  const PatchStateNote patchState = findPatchState(environment.map, &stream, 1);
  const SiteTable table = collectBootSites(boot, environment, stream, patchState);
  const afterburner_wedge *wedge = chooseWedge(boot, environment, patchState);
  const bool patchingDisabled =
      (boot.flags & AFTERBURNER_BOOT_NO_PATCHING) || commandLineDisablesPatching(boot.command_line);
  const PatchCounts counts = patchBootSites(boot, environment, table, wedge, patchingDisabled);
  fillResult(result, wedge, table, counts);
  printReport(boot, result, counts, patchingDisabled, *environment.diagnostics);
}

} // namespace afterburner::loader

// The zero-filled PATCH_STATE note (patch_state_note.S). Referenced here so that a
// guest linking afterburner_boot() always carries it for `afterburner patch`.
extern "C" const unsigned char afterburner_patch_state_note[];

namespace {

afterburner::loader::SiteEntry siteEntries[AFTERBURNER_LOADER_MAX_SITES];
afterburner::loader::Diagnostics bootDiagnostics;
afterburner_boot_result bootResult = {"none", 0, 0, 0, 0};
bool booted = false;

bool bootInfoUsable(const afterburner_boot_info *boot) {
  return boot && boot->size >= offsetof(afterburner_boot_info, reserved);
}

} // namespace

extern "C" const afterburner_boot_result *afterburner_boot(const afterburner_boot_info *boot) {
  // Every site is patched exactly once: a second call only returns the summary.
  if (booted || !bootInfoUsable(boot))
    return &bootResult;
  booted = true;
  // Keeps the PATCH_STATE note linked in; the loader finds it in the note stream.
  asm volatile("" : : "r"(afterburner_patch_state_note));
  afterburner::loader::BootEnvironment environment;
  environment.wedges = afterburner::loader::linkedWedges();
  environment.entries = siteEntries;
  environment.entryCapacity = AFTERBURNER_LOADER_MAX_SITES;
  environment.diagnostics = &bootDiagnostics;
  afterburner::loader::runBoot(*boot, environment, bootResult);
  return &bootResult;
}
