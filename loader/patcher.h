// patcher.h: rewriting each valid site for the selected wedge (wedge_abi.h
// section 2). The bytes of a site are computed first (planSite), then written with
// ONE textWrite call; nothing else writes text.
#pragma once

#include "image.h"
#include "report.h"
#include "site_table.h"

#include <afterburner/wedge_abi.h>

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader {

struct PatchOptions {
  ImageMap map;
  // The selected wedge, readable by the host; its pointers are IMAGE addresses
  // (read through map). nullptr: bare metal, every site stays native.
  const afterburner_wedge *wedge = nullptr;
  // false: select and report but write nothing (afterburner=off; the "Trap" column).
  bool writeSites = true;
  // Offline patching: set AFTERBURNER_SITE_FLAG_PREPATCHED on each rewritten record.
  bool markPrepatched = false;
};

// What happens to one site.
enum class SiteAction : uint8_t {
  Native,     // left as assembled
  Write,      // the planned bytes replace the site
  Prepatched, // already holds the wedge's code (offline patching did it)
  Failed,     // the wedge's entry cannot be applied here: reported, left native
};

struct PatchCounts {
  uint32_t patched = 0;
  uint32_t native = 0;
  uint32_t failed = 0;
  uint32_t opSites[AFTERBURNER_OP_LIMIT] = {}; // valid sites per op id
};

// The longest site a record can describe (site_length is one byte).
constexpr size_t maximumSiteLength = 255;

// Decides what to do with one site and, for Write, fills code[0 .. site_length).
SiteAction planSite(const PatchOptions &options, const afterburner_site &record,
                    uintptr_t siteAddress, uintptr_t recordAddress,
                    uint8_t (&code)[maximumSiteLength], Diagnostics &diagnostics);

// Plans and writes every site of the table (as collectSites filled it: its per-op
// counts are added to counts.opSites), each exactly once, in address order.
// The caller holds a TextWriteSession while options.writeSites is set.
void patchSites(const PatchOptions &options, const SiteTable &table, PatchCounts &counts,
                Diagnostics &diagnostics);

} // namespace afterburner::loader
