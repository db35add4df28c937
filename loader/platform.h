// platform.h: the seam between the loader and the machine it runs on. The loader
// reaches its environment only through these functions, so its sources build
// unchanged for the guest (platform_x86_64.cpp), for the offline patcher
// (platform_hosted.cpp) and for unit tests (tests/loader/harness.cpp).
#pragma once

#include <afterburner/loader.h>

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader::platform {

// Makes kernel text writable for a batch of writes and returns what
// endTextWrites() needs to undo it. Decided from the boot info and the CPU, never
// from a wedge: a wedge's init() runs before patching and must not be able to
// change how the loader writes text.
uintptr_t beginTextWrites(const afterburner_boot_info *boot);

// Copies bytes over text (only called between begin and end).
void copyToText(uint8_t *destination, const uint8_t *source, size_t length);

// Restores write protection and makes the new code visible to instruction fetch.
void endTextWrites(uintptr_t state);

} // namespace afterburner::loader::platform
