// format.cpp: the printf of the sample kernels (see format.h).
#include "format.h"

namespace kernel {
namespace {

// A bounded output cursor: keeps counting what fits, never writes past the end.
struct Output {
  char *buffer;
  size_t capacity; // characters that fit, without the NUL
  size_t length;

  void put(char character) {
    if (length < capacity)
      buffer[length] = character;
    ++length;
  }
  void repeat(char character, size_t count) {
    for (size_t index = 0; index < count; ++index)
      put(character);
  }
};

struct Specification {
  bool leftAlign = false;
  bool zeroPad = false;
  size_t width = 0;
  int longCount = 0; // 0: int, 1: long, 2: long long; 'z' counts as long
};

void putField(Output &output, const Specification &specification, const char *text, size_t length,
              bool negative) {
  size_t total = length + (negative ? 1 : 0);
  size_t padding = specification.width > total ? specification.width - total : 0;
  if (!specification.leftAlign && !specification.zeroPad)
    output.repeat(' ', padding);
  if (negative)
    output.put('-');
  if (!specification.leftAlign && specification.zeroPad)
    output.repeat('0', padding);
  for (size_t index = 0; index < length; ++index)
    output.put(text[index]);
  if (specification.leftAlign)
    output.repeat(' ', padding);
}

uint64_t takeUnsigned(const Specification &specification, va_list &arguments) {
  if (specification.longCount == 0)
    return va_arg(arguments, unsigned int);
  if (specification.longCount == 1)
    return va_arg(arguments, unsigned long);
  return va_arg(arguments, unsigned long long);
}

int64_t takeSigned(const Specification &specification, va_list &arguments) {
  if (specification.longCount == 0)
    return va_arg(arguments, int);
  if (specification.longCount == 1)
    return va_arg(arguments, long);
  return va_arg(arguments, long long);
}

void putNumber(Output &output, const Specification &specification, uint64_t magnitude,
               bool negative, unsigned base, bool uppercase) {
  char digits[64];
  size_t length = formatDigits(digits, magnitude, base, uppercase);
  putField(output, specification, digits, length, negative);
}

void putString(Output &output, Specification specification, const char *text) {
  if (!text)
    text = "(null)";
  size_t length = 0;
  while (text[length])
    ++length;
  specification.zeroPad = false;
  putField(output, specification, text, length, false);
}

// Parses flags, width and length of one conversion; returns the conversion character.
const char *parseSpecification(const char *cursor, Specification &specification) {
  for (;; ++cursor) {
    if (*cursor == '-')
      specification.leftAlign = true;
    else if (*cursor == '0')
      specification.zeroPad = true;
    else
      break;
  }
  while (*cursor >= '0' && *cursor <= '9')
    specification.width = specification.width * 10 + (size_t)(*cursor++ - '0');
  while (*cursor == 'l' || *cursor == 'z') {
    ++specification.longCount;
    ++cursor;
  }
  if (specification.longCount > 2)
    specification.longCount = 2;
  return cursor;
}

// Formats one conversion; returns false for a conversion it does not know.
bool putConversion(Output &output, const Specification &specification, char conversion,
                   va_list &arguments) {
  switch (conversion) {
  case 'd':
  case 'i': {
    int64_t value = takeSigned(specification, arguments);
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    putNumber(output, specification, magnitude, value < 0, 10, false);
    return true;
  }
  case 'u':
    putNumber(output, specification, takeUnsigned(specification, arguments), false, 10, false);
    return true;
  case 'x':
  case 'X':
    putNumber(output, specification, takeUnsigned(specification, arguments), false, 16,
              conversion == 'X');
    return true;
  case 'p': {
    output.put('0');
    output.put('x');
    uintptr_t pointer = (uintptr_t)va_arg(arguments, void *);
    putNumber(output, specification, pointer, false, 16, false);
    return true;
  }
  case 's':
    putString(output, specification, va_arg(arguments, const char *));
    return true;
  case 'c':
    output.put((char)va_arg(arguments, int));
    return true;
  case '%':
    output.put('%');
    return true;
  default:
    return false;
  }
}

} // namespace

size_t formatDigits(char *buffer, uint64_t value, unsigned base, bool uppercase) {
  const char *alphabet = uppercase ? "0123456789ABCDEF" : "0123456789abcdef";
  char reversed[64];
  size_t count = 0;
  do {
    reversed[count++] = alphabet[value % base];
    value /= base;
  } while (value != 0 && count < sizeof reversed);
  for (size_t index = 0; index < count; ++index)
    buffer[index] = reversed[count - 1 - index];
  return count;
}

size_t formatText(char *buffer, size_t size, const char *format, va_list arguments) {
  Output output{buffer, size - 1, 0};
  va_list cursorArguments;
  va_copy(cursorArguments, arguments);
  for (const char *cursor = format; *cursor; ++cursor) {
    if (*cursor != '%') {
      output.put(*cursor);
      continue;
    }
    const char *start = cursor;
    Specification specification;
    cursor = parseSpecification(cursor + 1, specification);
    if (!*cursor) {
      cursor = start;
      output.put('%');
      continue;
    }
    if (!putConversion(output, specification, *cursor, cursorArguments))
      for (const char *copy = start; copy <= cursor; ++copy)
        output.put(*copy);
  }
  va_end(cursorArguments);
  size_t written = output.length < output.capacity ? output.length : output.capacity;
  buffer[written] = '\0';
  return written;
}

size_t formatTextVariadic(char *buffer, size_t size, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  size_t written = formatText(buffer, size, format, arguments);
  va_end(arguments);
  return written;
}

} // namespace kernel
