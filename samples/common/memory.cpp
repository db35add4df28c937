// memory.cpp: the four functions the compiler may call even in freestanding code, for the
// kernel and every library linked into it (loader, wedges).
#include <stddef.h>

extern "C" {

void *memcpy(void *destination, const void *source, size_t count) {
  unsigned char *to = (unsigned char *)destination;
  const unsigned char *from = (const unsigned char *)source;
  for (size_t index = 0; index < count; ++index)
    to[index] = from[index];
  return destination;
}

void *memmove(void *destination, const void *source, size_t count) {
  unsigned char *to = (unsigned char *)destination;
  const unsigned char *from = (const unsigned char *)source;
  if (to < from || to >= from + count)
    return memcpy(destination, source, count);
  for (size_t index = count; index > 0; --index)
    to[index - 1] = from[index - 1];
  return destination;
}

void *memset(void *destination, int value, size_t count) {
  unsigned char *to = (unsigned char *)destination;
  for (size_t index = 0; index < count; ++index)
    to[index] = (unsigned char)value;
  return destination;
}

int memcmp(const void *left, const void *right, size_t count) {
  const unsigned char *a = (const unsigned char *)left;
  const unsigned char *b = (const unsigned char *)right;
  for (size_t index = 0; index < count; ++index)
    if (a[index] != b[index])
      return a[index] < b[index] ? -1 : 1;
  return 0;
}
}
