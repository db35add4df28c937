/* SPDX-License-Identifier: MIT */
/*
 * loader.h: the guest kernel's interface to the Afterburner loader. The ONLY
 * header the loader exports. C11 and C++17; freestanding.
 *
 * A kernel calls afterburner_boot() once, early, on its common 64-bit path, before
 * anything executes a site whose native behaviour would be wrong on the platform
 * (under Xen PV that means: before the first port I/O, cli/sti or control-register
 * access). When it returns, every site runs the selected wedge's code, or stays
 * native on bare metal.
 */
#ifndef AFTERBURNER_LOADER_H
#define AFTERBURNER_LOADER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How the kernel was entered. A wedge's detect() may use it (Xen PV and the
 * vthread host can only be told apart by how they started the kernel). */
#define AFTERBURNER_ENTRY_MULTIBOOT 1 /* entry_data: the Multiboot v1 info block */
#define AFTERBURNER_ENTRY_XEN_PV 2    /* entry_data: Xen's start_info */
#define AFTERBURNER_ENTRY_VTHREAD 3   /* entry_data: the vthread host's block */
#define AFTERBURNER_ENTRY_OTHER 4     /* entry_data: kernel-defined, may be NULL */

/* Boot flags. */
#define AFTERBURNER_BOOT_NO_PATCHING 0x1u /* select and report, but patch nothing */

struct afterburner_boot_info {
  uint32_t size;       /* sizeof(struct afterburner_boot_info): lets the struct grow */
  uint32_t entry_kind; /* AFTERBURNER_ENTRY_* */
  const void *entry_data;
  /* The kernel's text: every site must lie in [text_start, text_end). */
  uintptr_t text_start;
  uintptr_t text_end;
  /* The note stream (linker fragment symbols __afterburner_notes_start/_end). */
  const void *notes_start;
  const void *notes_end;
  /* Writes text to the kernel's console; may be NULL (the loader stays silent).
   * Called only after patching, so it may itself contain sites. */
  void (*console_write)(const char *text, size_t length);
  /* The kernel command line, or NULL. The loader honours "afterburner=off"
   * (as AFTERBURNER_BOOT_NO_PATCHING). */
  const char *command_line;
  uint32_t flags; /* AFTERBURNER_BOOT_* */
  uint32_t reserved;
};

/* Result of afterburner_boot(), also kept for the kernel to inspect. */
struct afterburner_boot_result {
  const char *wedge; /* selected wedge's name, or "none" on bare metal */
  uint32_t sites;    /* records found */
  uint32_t patched;  /* sites rewritten to wedge code */
  uint32_t native;   /* sites left native (policy NATIVE, other mode, bare metal) */
  uint32_t rejected; /* records refused by validation; their sites stay native */
};

/* Validates the site notes, selects a wedge, patches every site exactly once and
 * prints one summary line through console_write. Never fails the boot: a bad
 * record is reported and its site left native. Returns the summary. */
const struct afterburner_boot_result *afterburner_boot(const struct afterburner_boot_info *boot);

#ifdef __cplusplus
}
#endif

#endif /* AFTERBURNER_LOADER_H */
