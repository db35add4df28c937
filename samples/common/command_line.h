// command_line.h: "key=value" options from the kernel command line. Pure code (hosted
// tests compile it too). Words are separated by spaces or tabs; a word without '=' is a
// flag (value ""); a Multiboot command line starts with the kernel path, which is just an
// unused word. The last occurrence of a key wins.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

class CommandLine {
public:
  constexpr explicit CommandLine(const char *text) : text(text ? text : "") {}

  // Copies the value of key (NUL-terminated, truncated to size - 1) into value.
  // Returns false when the key is absent.
  bool find(const char *key, char *value, size_t size) const;
  // The value of key as a decimal number (suffixes k and m multiply by 1000 and 10^6),
  // or fallback when absent or malformed.
  uint64_t number(const char *key, uint64_t fallback) const;
  bool has(const char *key) const;

private:
  const char *text;
};

// Parses a decimal number with an optional k/m suffix; false when text is not one.
bool parseNumber(const char *text, uint64_t &value);

} // namespace kernel
