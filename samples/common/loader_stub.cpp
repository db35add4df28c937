// loader_stub.cpp: stands in for afterburner_boot() while the build has no loader
// (target afterburner_loader missing): every site stays native, and it says so.
#include <afterburner/loader.h>

extern "C" const struct afterburner_boot_result *
afterburner_boot(const struct afterburner_boot_info *boot) {
  static afterburner_boot_result result{"none", 0, 0, 0, 0};
  static const char line[] = "afterburner: loader not linked into this build; sites stay native\n";
  if (boot && boot->console_write)
    boot->console_write(line, sizeof line - 1);
  return &result;
}
