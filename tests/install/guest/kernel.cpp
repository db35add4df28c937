// kernel.cpp: the smallest guest that hands its notes to the installed loader.
#include <afterburner/loader.h>

extern "C" const char __afterburner_notes_start[], __afterburner_notes_end[];
extern "C" const char __executable_start[], tiny_text_end[];
extern "C" void tiny_sites();

extern "C" void tiny_main() {
  afterburner_boot_info boot = {};
  boot.size = sizeof boot;
  boot.entry_kind = AFTERBURNER_ENTRY_OTHER;
  boot.text_start = reinterpret_cast<uintptr_t>(&tiny_main);
  boot.text_end = reinterpret_cast<uintptr_t>(&tiny_sites) + 4096;
  boot.notes_start = __afterburner_notes_start;
  boot.notes_end = __afterburner_notes_end;
  afterburner_boot(&boot);
  tiny_sites();
}
