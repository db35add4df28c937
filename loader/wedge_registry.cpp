// wedge_registry.cpp: the linked wedges and detection (see wedge_registry.h).
#include "wedge_registry.h"

// Each wedge exports exactly one object (wedge_abi.h section 1). The compile
// definitions come from cmake/Options.cmake through loader/CMakeLists.txt; a wedge
// is listed only when its option is on and its library exists in the build.
extern "C" {
#ifdef AFTERBURNER_LOADER_WEDGE_XEN
extern const afterburner_wedge afterburner_wedge_xen;
#endif
#ifdef AFTERBURNER_LOADER_WEDGE_KVM
extern const afterburner_wedge afterburner_wedge_kvm;
#endif
#ifdef AFTERBURNER_LOADER_WEDGE_AKAROS
extern const afterburner_wedge afterburner_wedge_akaros;
#endif
}

namespace afterburner::loader {

namespace {

// A trailing nullptr keeps the array non-empty when no wedge is linked.
const afterburner_wedge *const registry[] = {
#ifdef AFTERBURNER_LOADER_WEDGE_XEN
    &afterburner_wedge_xen,
#endif
#ifdef AFTERBURNER_LOADER_WEDGE_KVM
    &afterburner_wedge_kvm,
#endif
#ifdef AFTERBURNER_LOADER_WEDGE_AKAROS
    &afterburner_wedge_akaros,
#endif
    nullptr,
};

size_t nameLength(const char *name) {
  size_t length = 0;
  while (length < AFTERBURNER_WEDGE_NAME_SIZE && name[length] != '\0')
    ++length;
  return length;
}

// The header checks that do not depend on the platform.
bool wedgeUsable(const afterburner_wedge &wedge, Diagnostics &diagnostics) {
  const char *name = wedge.name ? wedge.name : "(unnamed)";
  DiagnosticLine problem(diagnostics);
  problem.text("afterburner: wedge ").text(name).text(" skipped: ");
  if (wedge.abi_version != AFTERBURNER_WEDGE_ABI_VERSION) {
    problem.text("abi_version ").decimal(wedge.abi_version).text(", this loader needs ");
    problem.decimal(AFTERBURNER_WEDGE_ABI_VERSION);
    return false;
  }
  if (!wedge.name || nameLength(wedge.name) >= AFTERBURNER_WEDGE_NAME_SIZE || !wedge.detect) {
    problem.text("its name or detect() is missing or too long");
    return false;
  }
  if (wedge.mode != 16 && wedge.mode != 32 && wedge.mode != 64) {
    problem.text("mode ").decimal(wedge.mode).text(" is not 16, 32 or 64");
    return false;
  }
  problem.cancel();
  return true;
}

} // namespace

WedgeList linkedWedges() {
  return {registry, sizeof registry / sizeof registry[0] - 1};
}

bool wedgeNameEquals(const char *wedgeName, const char *name) {
  if (!wedgeName || !name)
    return false;
  for (size_t index = 0; index < AFTERBURNER_WEDGE_NAME_SIZE; ++index) {
    if (wedgeName[index] != name[index])
      return false;
    if (name[index] == '\0')
      return true;
  }
  return false;
}

const afterburner_wedge *selectWedge(const WedgeList &list, const afterburner_boot_info *boot,
                                     const char *requiredName, Diagnostics &diagnostics) {
  const afterburner_wedge *best = nullptr;
  int bestPriority = 0;
  for (size_t index = 0; index < list.count; ++index) {
    const afterburner_wedge *wedge = list.wedges[index];
    if (!wedge || !wedgeUsable(*wedge, diagnostics))
      continue;
    if (requiredName && requiredName[0] && !wedgeNameEquals(wedge->name, requiredName))
      continue;
    const int priority = wedge->detect(boot);
    if (priority > bestPriority) {
      best = wedge;
      bestPriority = priority;
    }
  }
  return best;
}

} // namespace afterburner::loader
