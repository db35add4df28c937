// format.h: a small printf for the sample kernels. Pure code (no hardware access), so the
// hosted tests compile the same file (tests/samples/FormatTest.cpp).
//
// Conversions: %d %i %u %x %X %s %c %p %%, flags '-' and '0', a field width, and the
// length modifiers l, ll and z. Unknown conversions are copied verbatim.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace kernel {

// Writes at most size - 1 characters and a NUL into buffer (size > 0). Returns the
// number of characters written, without the NUL.
size_t formatText(char *buffer, size_t size, const char *format, va_list arguments);
size_t formatTextVariadic(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

// Digits of value in base (2..16) into buffer, no NUL; returns the count (at most 64).
size_t formatDigits(char *buffer, uint64_t value, unsigned base, bool uppercase);

} // namespace kernel
