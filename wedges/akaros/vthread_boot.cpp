// vthread_boot.cpp: the C half of the vthread entry stub (vthread_entry.S). A kernel
// started as an Akaros vthread gets rdi = the host's akaros_vthread_block, long mode,
// IF = 0, no GDT/IDT, and a host stack. This builds the afterburner_boot_info the
// kernel's common 64-bit path expects (samples/README.md: kernel_entry64).
#include "akaros_abi.h"

#include <afterburner/loader.h>

namespace {
afterburner_boot_info bootInfo;
} // namespace

// Returns the boot info, or NULL when rdi was no vthread block (the stub then stops).
extern "C" const afterburner_boot_info *
afterburner_akaros_vthread_prepare(const akaros_vthread_block *block) {
  if (!block || block->magic != AKAROS_VTHREAD_BLOCK_MAGIC ||
      block->version != AKAROS_VTHREAD_BLOCK_VERSION || block->kernel_entry == 0)
    return nullptr;
  bootInfo.size = sizeof bootInfo;
  bootInfo.entry_kind = AFTERBURNER_ENTRY_VTHREAD;
  bootInfo.entry_data = block;
  bootInfo.command_line = block->command_line;
  return &bootInfo;
}
