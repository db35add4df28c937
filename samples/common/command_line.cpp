// command_line.cpp: see command_line.h.
#include "command_line.h"

namespace kernel {
namespace {

bool isSeparator(char character) {
  return character == ' ' || character == '\t';
}

// Does the word starting at word begin with "key=" or equal "key"? Sets value to the
// character after '=' (or to the word's end for a bare flag).
bool matchKey(const char *word, const char *key, const char *&value) {
  while (*key && *word == *key) {
    ++word;
    ++key;
  }
  if (*key)
    return false;
  if (*word == '=') {
    value = word + 1;
    return true;
  }
  if (*word == '\0' || isSeparator(*word)) {
    value = word;
    return true;
  }
  return false;
}

const char *skipWord(const char *cursor) {
  while (*cursor && !isSeparator(*cursor))
    ++cursor;
  return cursor;
}

} // namespace

bool CommandLine::find(const char *key, char *value, size_t size) const {
  const char *found = nullptr;
  for (const char *cursor = text; *cursor;) {
    while (isSeparator(*cursor))
      ++cursor;
    if (!*cursor)
      break;
    const char *candidate = nullptr;
    if (matchKey(cursor, key, candidate))
      found = candidate;
    cursor = skipWord(cursor);
  }
  if (!found)
    return false;
  size_t length = 0;
  while (found[length] && !isSeparator(found[length]) && length + 1 < size) {
    value[length] = found[length];
    ++length;
  }
  if (size > 0)
    value[length] = '\0';
  return true;
}

bool CommandLine::has(const char *key) const {
  char ignored[2];
  return find(key, ignored, sizeof ignored);
}

uint64_t CommandLine::number(const char *key, uint64_t fallback) const {
  char value[32];
  uint64_t parsed = 0;
  if (!find(key, value, sizeof value) || !parseNumber(value, parsed))
    return fallback;
  return parsed;
}

bool parseNumber(const char *text, uint64_t &value) {
  if (*text < '0' || *text > '9')
    return false;
  uint64_t result = 0;
  for (; *text >= '0' && *text <= '9'; ++text) {
    uint64_t digit = (uint64_t)(*text - '0');
    if (result > (UINT64_MAX - digit) / 10)
      return false;
    result = result * 10 + digit;
  }
  uint64_t multiplier = 1;
  if (*text == 'k')
    multiplier = 1000;
  else if (*text == 'm')
    multiplier = 1000000;
  if (multiplier != 1)
    ++text;
  if (*text != '\0' || result > UINT64_MAX / multiplier)
    return false;
  value = result * multiplier;
  return true;
}

} // namespace kernel
