// memory.cpp: memcpy, memmove, memset and memcmp for guests without a libc.
//
// The compiler emits calls to these even in freestanding code (struct copies,
// zeroing), so every guest needs them. They are WEAK and each in this one object:
// a kernel that has its own (Linux) keeps them, because the linker pulls this member
// out of libafterburner_wedge_common.a only when a symbol is still undefined, and a
// strong definition wins over a weak one anyway. The bodies use `rep movsb/stosb`
// so the compiler cannot turn a loop back into a call to the function itself.
#include <stddef.h>
#include <stdint.h>

extern "C" {

__attribute__((weak)) void *memcpy(void *destination, const void *source, size_t length) {
  void *result = destination;
  asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(length) : : "memory");
  return result;
}

__attribute__((weak)) void *memmove(void *destination, const void *source, size_t length) {
  if (reinterpret_cast<uintptr_t>(destination) - reinterpret_cast<uintptr_t>(source) >= length)
    return memcpy(destination, source, length); // no harmful overlap: copy forwards
  // Destination overlaps the source's tail: copy backwards.
  auto *to = static_cast<uint8_t *>(destination) + length - 1;
  auto *from = static_cast<const uint8_t *>(source) + length - 1;
  asm volatile("std; rep movsb; cld" : "+D"(to), "+S"(from), "+c"(length) : : "memory");
  return destination;
}

__attribute__((weak)) void *memset(void *destination, int value, size_t length) {
  void *result = destination;
  asm volatile("rep stosb" : "+D"(destination), "+c"(length) : "a"(value) : "memory");
  return result;
}

__attribute__((weak)) int memcmp(const void *left, const void *right, size_t length) {
  const auto *a = static_cast<const uint8_t *>(left);
  const auto *b = static_cast<const uint8_t *>(right);
  for (size_t index = 0; index < length; ++index) {
    if (a[index] != b[index])
      return a[index] < b[index] ? -1 : 1;
  }
  return 0;
}

} // extern "C"
