// patcher.cpp: the code the loader writes into a site (see patcher.h).
#include "patcher.h"

#include "op_table.h"
#include "padding.h"
#include "text_write.h"

namespace afterburner::loader {

namespace {

constexpr uint8_t recordReferencePrefix[] = {AFTERBURNER_RECORD_REFERENCE_PREFIX};

// A signed 32-bit displacement from `from` (the end of the field's instruction) to
// `to`, or false when the distance does not fit.
bool displacement32(uintptr_t to, uintptr_t from, int32_t &result) {
  const int64_t distance = static_cast<int64_t>(to - from);
  if (distance < INT32_MIN || distance > INT32_MAX)
    return false;
  result = static_cast<int32_t>(distance);
  return true;
}

void storeLittle32(uint8_t *destination, int32_t value) {
  const uint32_t bits = static_cast<uint32_t>(value);
  for (int index = 0; index < 4; ++index)
    destination[index] = static_cast<uint8_t>(bits >> (8 * index));
}

int32_t loadLittle32(const uint8_t *source) {
  uint32_t bits = 0;
  for (int index = 0; index < 4; ++index)
    bits |= static_cast<uint32_t>(source[index]) << (8 * index);
  return static_cast<int32_t>(bits);
}

void reportFailure(Diagnostics &diagnostics, const afterburner_site &record, uintptr_t site,
                   const char *why) {
  DiagnosticLine(diagnostics)
      .text("afterburner: site ")
      .hex(site)
      .text(" (op ")
      .text(opName(record.op))
      .text(") left native: ")
      .text(why);
}

// `call target; nopl disp32(%rax)` with disp32 the record reference, then nops.
SiteAction planCall(const afterburner_site &record, uintptr_t site, uintptr_t record_address,
                    uintptr_t target, uint8_t *code, Diagnostics &diagnostics) {
  int32_t relative;
  int32_t reference;
  if (!target) {
    reportFailure(diagnostics, record, site, "the wedge gives no entry for it");
    return SiteAction::Failed;
  }
  if (!displacement32(target, site + AFTERBURNER_CALL_LENGTH, relative) ||
      !displacement32(record_address, site + AFTERBURNER_CALL_LENGTH + 3, reference)) {
    reportFailure(diagnostics, record, site, "entry or record is out of rel32 reach");
    return SiteAction::Failed;
  }
  code[0] = AFTERBURNER_CALL_OPCODE;
  storeLittle32(code + 1, relative);
  copyBytes(code + AFTERBURNER_CALL_LENGTH, recordReferencePrefix, sizeof recordReferencePrefix);
  storeLittle32(code + AFTERBURNER_CALL_LENGTH + 3, reference);
  fillCanonicalNops(code + AFTERBURNER_CALL_FORM_LENGTH,
                    record.site_length - AFTERBURNER_CALL_FORM_LENGTH, record.mode);
  return SiteAction::Write;
}

SiteAction planJump(const afterburner_site &record, uintptr_t site, uintptr_t target, uint8_t *code,
                    Diagnostics &diagnostics) {
  int32_t relative;
  const OpInfo *info = opInfo(record.op);
  if (!info || info->flow != AFTERBURNER_FLOW_NO_RETURN) {
    reportFailure(diagnostics, record, site, "JUMP policy for an op that returns");
    return SiteAction::Failed;
  }
  if (!target || !displacement32(target, site + AFTERBURNER_CALL_LENGTH, relative)) {
    reportFailure(diagnostics, record, site, "jump target missing or out of rel32 reach");
    return SiteAction::Failed;
  }
  code[0] = AFTERBURNER_JUMP_OPCODE;
  storeLittle32(code + 1, relative);
  fillCanonicalNops(code + AFTERBURNER_CALL_LENGTH, record.site_length - AFTERBURNER_CALL_LENGTH,
                    record.mode);
  return SiteAction::Write;
}

const char *inlineCodeProblem(const afterburner_inline_code &inlineCode,
                              const afterburner_site &record) {
  const OpInfo *info = opInfo(record.op);
  if (inlineCode.length == 0 || !info || inlineCode.length > info->minimumSize ||
      inlineCode.length > record.site_length)
    return "inline code is empty or longer than the op's minimum site";
  if (inlineCode.relative_count > AFTERBURNER_INLINE_RELATIVE_MAX)
    return "inline code lists too many rel32 fields";
  for (unsigned index = 0; index < inlineCode.relative_count; ++index) {
    if (inlineCode.relative_offsets[index] + 4u > inlineCode.length)
      return "an inline rel32 field lies outside the code";
  }
  return nullptr;
}

// Each listed rel32 field pointed from the template; make it point from the site.
bool relocateInline(const afterburner_inline_code &inlineCode, uintptr_t templateAddress,
                    uintptr_t site, uint8_t *code) {
  for (unsigned index = 0; index < inlineCode.relative_count; ++index) {
    uint8_t *field = code + inlineCode.relative_offsets[index];
    const uintptr_t target =
        templateAddress + static_cast<uintptr_t>(static_cast<intptr_t>(loadLittle32(field)));
    int32_t moved;
    if (!displacement32(target, site, moved))
      return false;
    storeLittle32(field, moved);
  }
  return true;
}

// A site of another operand size than the inline code's: CALL or, for an op that does
// not return, JUMP to the code's other-width entry (wedge_abi.h, INLINE).
SiteAction planOtherWidth(const PatchOptions &options, const afterburner_inline_code &inlineCode,
                          const afterburner_site &record, uintptr_t site, uintptr_t recordAddress,
                          uint8_t *code, Diagnostics &diagnostics) {
  const OpInfo *info = opInfo(record.op);
  const void *entry = inlineCode.other_width_entry;
  if (!entry)
    entry = options.wedge->unimplemented;
  if (inlineCode.other_width_entry && info && info->flow == AFTERBURNER_FLOW_NO_RETURN)
    return planJump(record, site, reinterpret_cast<uintptr_t>(entry), code, diagnostics);
  return planCall(record, site, recordAddress, reinterpret_cast<uintptr_t>(entry), code,
                  diagnostics);
}

// Out of line: inlined, its frame would make every CALL-form site pay for it.
[[gnu::noinline]] SiteAction planInline(const PatchOptions &options, const afterburner_site &record,
                                        uintptr_t site, uintptr_t recordAddress, uintptr_t target,
                                        uint8_t *code, Diagnostics &diagnostics) {
  afterburner_inline_code inlineCode;
  if (!readImage(options.map, target, &inlineCode, sizeof inlineCode)) {
    reportFailure(diagnostics, record, site, "inline code descriptor is missing");
    return SiteAction::Failed;
  }
  if (inlineCode.operand_width && inlineCode.operand_width != record.operand_width)
    return planOtherWidth(options, inlineCode, record, site, recordAddress, code, diagnostics);
  if (const char *problem = inlineCodeProblem(inlineCode, record)) {
    reportFailure(diagnostics, record, site, problem);
    return SiteAction::Failed;
  }
  const uintptr_t templateAddress = reinterpret_cast<uintptr_t>(inlineCode.bytes);
  if (!readImage(options.map, templateAddress, code, inlineCode.length) ||
      !relocateInline(inlineCode, templateAddress, site, code)) {
    reportFailure(diagnostics, record, site, "inline bytes missing or out of rel32 reach");
    return SiteAction::Failed;
  }
  fillCanonicalNops(code + inlineCode.length, record.site_length - inlineCode.length, record.mode);
  return SiteAction::Write;
}

SiteAction planEntry(const PatchOptions &options, const afterburner_site &record, uintptr_t site,
                     uintptr_t recordAddress, uint8_t *code, Diagnostics &diagnostics) {
  const afterburner_wedge &wedge = *options.wedge;
  const afterburner_op_entry *entry = afterburner_wedge_entry(&wedge, record.op);
  const uintptr_t target = entry ? reinterpret_cast<uintptr_t>(entry->target) : 0;
  switch (entry ? entry->policy : AFTERBURNER_POLICY_NATIVE) {
  case AFTERBURNER_POLICY_NATIVE:
    return SiteAction::Native;
  case AFTERBURNER_POLICY_UNIMPLEMENTED:
    return planCall(record, site, recordAddress, reinterpret_cast<uintptr_t>(wedge.unimplemented),
                    code, diagnostics);
  case AFTERBURNER_POLICY_CALL:
    return planCall(record, site, recordAddress, target, code, diagnostics);
  case AFTERBURNER_POLICY_JUMP:
    return planJump(record, site, target, code, diagnostics);
  case AFTERBURNER_POLICY_INLINE:
    return planInline(options, record, site, recordAddress, target, code, diagnostics);
  default:
    reportFailure(diagnostics, record, site, "the wedge's policy value is unknown");
    return SiteAction::Failed;
  }
}

void markPrepatched(const PatchOptions &options, uintptr_t recordAddress,
                    const afterburner_site &record) {
  uint8_t *flags = mapImage(options.map, recordAddress + offsetof(afterburner_site, flags), 1);
  const uint8_t value = record.flags | AFTERBURNER_SITE_FLAG_PREPATCHED;
  if (flags)
    textWrite(flags, &value, 1);
}

// Writes the planned bytes and reads them back: a write that did not take (text not
// writable where the platform seam assumed it was) is reported, not assumed.
bool writeSite(const PatchOptions &options, const SiteEntry &entry, const afterburner_site &record,
               const uint8_t *code, Diagnostics &diagnostics) {
  uint8_t *site = mapImage(options.map, entry.siteAddress, record.site_length);
  textWrite(site, code, record.site_length);
  if (equalBytes(site, code, record.site_length))
    return true;
  reportFailure(diagnostics, record, entry.siteAddress,
                "the write did not take (text not writable?)");
  return false;
}

void count(PatchCounts &counts, SiteAction action) {
  switch (action) {
  case SiteAction::Write:
  case SiteAction::Prepatched:
    ++counts.patched;
    return;
  case SiteAction::Native:
    ++counts.native;
    return;
  case SiteAction::Failed:
    ++counts.failed;
    return;
  }
}

// Without a wedge or with writes off, planSite leaves every site native except the
// PREPATCHED ones: the table counted those as it accepted them (a bare boot's whole
// patch pass).
void countUnwritten(const SiteTable &table, PatchCounts &counts) {
  counts.patched += table.prepatched;
  counts.native += static_cast<uint32_t>(table.count) - table.prepatched;
}

} // namespace

SiteAction planSite(const PatchOptions &options, const afterburner_site &record,
                    uintptr_t siteAddress, uintptr_t recordAddress,
                    uint8_t (&code)[maximumSiteLength], Diagnostics &diagnostics) {
  if (record.flags & AFTERBURNER_SITE_FLAG_PREPATCHED)
    return SiteAction::Prepatched;
  // A template the kernel copies elsewhere is never executed in place: patching it
  // would corrupt the template (site_abi.h, COPIED_SECTION). Counted native.
  if (record.flags & AFTERBURNER_SITE_FLAG_COPIED_SECTION)
    return SiteAction::Native;
  if (!options.wedge || !options.writeSites || record.mode != options.wedge->mode)
    return SiteAction::Native;
  return planEntry(options, record, siteAddress, recordAddress, code, diagnostics);
}

void patchSites(const PatchOptions &options, const SiteTable &table, PatchCounts &counts,
                Diagnostics &diagnostics) {
  for (unsigned op = 0; op < AFTERBURNER_OP_LIMIT; ++op)
    counts.opSites[op] += table.opSites[op];
  if (!options.wedge || !options.writeSites) {
    countUnwritten(table, counts);
    return;
  }
  uint8_t code[maximumSiteLength];
  for (size_t index = 0; index < table.count; ++index) {
    const SiteEntry &entry = table.entries[index];
    afterburner_site record;
    if (!readRecord(options.map, entry.recordAddress, record))
      continue;
    SiteAction action =
        planSite(options, record, entry.siteAddress, entry.recordAddress, code, diagnostics);
    if (action == SiteAction::Write && !writeSite(options, entry, record, code, diagnostics))
      action = SiteAction::Failed;
    count(counts, action);
    if (action == SiteAction::Write && options.markPrepatched)
      markPrepatched(options, entry.recordAddress, record);
  }
}

} // namespace afterburner::loader
