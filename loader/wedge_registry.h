// wedge_registry.h: the wedges this build linked, and choosing one.
//
// The list is an explicit array (wedge_registry.cpp), filled from the CMake options
// AFTERBURNER_WEDGE_XEN/KVM/AKAROS: no static constructors, no linker sections.
#pragma once

#include "report.h"

#include <afterburner/loader.h>
#include <afterburner/wedge_abi.h>

#include <stddef.h>

namespace afterburner::loader {

struct WedgeList {
  const afterburner_wedge *const *wedges;
  size_t count;
};

// The wedges linked into this guest, in registry order.
WedgeList linkedWedges();

// Asks each usable wedge's detect() and returns the one with the highest priority
// (the first on a tie), or nullptr for bare metal. A wedge with the wrong
// abi_version or a malformed header is reported and skipped. When requiredName is
// non-empty (an image pre-patched for that wedge), only that wedge is considered.
const afterburner_wedge *selectWedge(const WedgeList &list, const afterburner_boot_info *boot,
                                     const char *requiredName, Diagnostics &diagnostics);

// True when name equals the wedge's name (both NUL-terminated, bounded by
// AFTERBURNER_WEDGE_NAME_SIZE).
bool wedgeNameEquals(const char *wedgeName, const char *name);

} // namespace afterburner::loader
