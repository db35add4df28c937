// kernel.h: what the shared kernel offers a sample (hello, bench). The kernel boots through
// kernel_entry64 / kernel_main64 (samples/README.md gives the contract), runs the loader,
// sets up its own machine state and calls the sample's sample_main().
#pragma once

#include "command_line.h"

#include <stddef.h>
#include <stdint.h>

struct afterburner_boot_info;
struct afterburner_boot_result;

namespace kernel {

struct Platform {
  const char *entry;   // "multiboot", "xen-pv", "vthread", "other"
  const char *wedge;   // the loader's choice, "none" on bare metal
  char vendor[13];     // cpuid leaf 0
  char hypervisor[13]; // cpuid leaf 0x40000000, "" without the hypervisor bit
  uint64_t tscHz;      // calibrated against the PIT
  const afterburner_boot_result *loader;
  CommandLine commandLine;
};

const Platform &platform();

// printf to the console (COM1).
void print(const char *format, ...) __attribute__((format(printf, 1, 2)));
// The console hook handed to the loader.
extern "C" void kernel_console_write(const char *text, size_t length);

// Timer: the PIT on IRQ 0 at hertz; ticks counted by the interrupt handler.
void startTimer(uint32_t hertz);
void stopTimer();
uint64_t timerTicks();
uint64_t lastTickTimestamp(); // TSC read in the handler of the latest tick
// Idles with hlt until count more ticks have arrived. Interrupts are off on return.
void waitTicks(uint64_t count);

// Exceptions the kernel handles and resumes from.
uint64_t breakpointCount();
uint64_t invalidOpcodeCount();
// Arms the #UD handler to skip one 2-byte ud2.
void expectInvalidOpcode();

// Paging: a 4 KiB test page at testPageAddress() maps to one of two frames, each
// holding its own marker (frame 0 holds 0xa0a0..., frame 1 0xb1b1...).
uintptr_t testPageAddress();
uint64_t testFrameMarker(unsigned frame);
// Rewrites the test page's entry only: the TLB may still hold the old translation.
void mapTestPage(unsigned frame);
void reloadPageTables(); // mov %cr3 to itself

// Writes code to isa-debug-exit (QEMU exits with code * 2 + 1), then halts forever.
[[noreturn]] void powerOff(bool success);
[[noreturn]] void panic(const char *what);

} // namespace kernel

// Each sample defines this; true means its checks passed. Interrupts are off on entry.
bool sample_main();
