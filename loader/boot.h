// boot.h: afterburner_boot()'s steps, callable with an explicit wedge list and
// site storage so hosted tests run the whole boot path on a byte buffer.
#pragma once

#include "image.h"
#include "patcher.h"
#include "report.h"
#include "site_table.h"
#include "wedge_registry.h"

#include <afterburner/loader.h>

namespace afterburner::loader {

// Everything one boot needs besides the boot info.
struct BootEnvironment {
  ImageMap map;
  WedgeList wedges;
  SiteEntry *entries;
  size_t entryCapacity;
  Diagnostics *diagnostics;
};

// True when the command line holds the word "afterburner=off".
bool commandLineDisablesPatching(const char *commandLine);

// The whole of afterburner_boot() against an explicit environment: collects and
// validates the sites, selects and initialises a wedge, patches (unless disabled)
// and prints the diagnostics and the summary line through boot->console_write.
void runBoot(const afterburner_boot_info &boot, const BootEnvironment &environment,
             afterburner_boot_result &result);

} // namespace afterburner::loader
