// platform_x86_64.cpp: the platform seam inside an x86-64 guest kernel.
//
// How text becomes writable:
//   - Xen PV: the kernel runs deprivileged and cannot write CR0. The Xen wedge's
//     start-of-day page tables map kernel text writable; the loader writes it with
//     plain stores.
//   - Otherwise (ring 0: bare metal, KVM, vthread): when CR0.WP is already clear,
//     or the text pages are writable, plain stores work too. When CR0.WP is set,
//     the loader clears it for the batch of writes and restores it afterwards, so a
//     read-only text mapping does not fault. The kernel calls afterburner_boot()
//     with interrupts off, so nothing else runs while WP is clear.
// The decision uses the boot info and CR0 only, never state a wedge's init() set.
//
// Serialisation: the loader patches on the boot CPU before any other CPU starts.
// x86 detects stores into code the same CPU may execute (Intel SDM vol. 3, 11.6)
// and discards stale prefetched bytes, so the branch back to the caller is enough;
// cpuid, the usual serialising instruction, is avoided because it exits under VMX.
#include "platform.h"

namespace afterburner::loader::platform {

namespace {

constexpr uintptr_t cr0WriteProtect = uintptr_t(1) << 16;

uintptr_t readCr0() {
  uintptr_t value;
  asm volatile("mov %%cr0, %0" : "=r"(value));
  return value;
}

void writeCr0(uintptr_t value) {
  asm volatile("mov %0, %%cr0" : : "r"(value) : "memory");
}

} // namespace

uintptr_t beginTextWrites(const afterburner_boot_info *boot) {
  if (boot && boot->entry_kind == AFTERBURNER_ENTRY_XEN_PV)
    return 0;
  const uintptr_t cr0 = readCr0();
  if (!(cr0 & cr0WriteProtect))
    return 0;
  writeCr0(cr0 & ~cr0WriteProtect);
  return cr0;
}

namespace {

// An 8-byte store that may be unaligned (x86 allows it; the type tells the compiler).
typedef uint64_t __attribute__((aligned(1), may_alias)) UnalignedWord;

void storeWord(uint8_t *destination, const uint8_t *source) {
  UnalignedWord word;
  __builtin_memcpy(&word, source, sizeof word);
  *reinterpret_cast<volatile UnalignedWord *>(destination) = word;
}

} // namespace

void copyToText(uint8_t *destination, const uint8_t *source, size_t length) {
  // volatile: the compiler must not merge, drop or turn these into a memcpy call.
  // Whole words, the last one overlapping the one before (rewriting a few bytes with
  // the same values): a site is two to six stores, not 12 to 48.
  if (length >= 8) {
    for (size_t index = 0; index + 8 < length; index += 8)
      storeWord(destination + index, source + index);
    storeWord(destination + length - 8, source + length - 8);
    return;
  }
  volatile uint8_t *to = destination;
  for (size_t index = 0; index < length; ++index)
    to[index] = source[index];
}

void endTextWrites(uintptr_t state) {
  if (state)
    writeCr0(state);
  asm volatile("" : : : "memory");
}

} // namespace afterburner::loader::platform
