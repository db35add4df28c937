// StatementText.h: reads the operands of the commonest compiler-written directives
// (`.loc 1 23 4 view .LVU5`, `.byte 0x1f`, `.uleb128 0x3`) straight from the source text.
// LLVM's lexer turns every integer token into a heap-allocated 128-bit APInt; a gcc -g
// output holds hundreds of thousands of them, and lexing was the largest cost of a debug
// build's assembly. The fast paths only accept text whose meaning is plain (decimal or hex
// digits, simple identifiers, blanks, commas, a newline); anything else (comments, strings,
// expressions, statement separators, macro arguments) goes through LLVM's parser unchanged.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/MC/MCParser/MCAsmLexer.h"
#include "llvm/MC/MCParser/MCAsmParser.h"

#include <array>
#include <cstdint>
#include <optional>

namespace afterburner {

// The text of a line from `start` up to (not including) its newline, when every character
// in it is one the fast paths understand.
inline std::optional<llvm::StringRef> plainLine(const char *start) {
  // 1: a plain character, 2: the newline; everything else (NUL included) ends the scan.
  static const auto classes = [] {
    std::array<uint8_t, 256> table{};
    for (int c = 0; c < 256; ++c)
      table[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 c == '_' || c == '.' || c == ' ' || c == '\t' || c == ',' || c == '-';
    table['\n'] = 2;
    return table;
  }();
  const char *at = start; // source buffers are NUL-terminated
  while (classes[static_cast<unsigned char>(*at)] == 1)
    ++at;
  if (*at != '\n')
    return std::nullopt;
  return llvm::StringRef(start, static_cast<size_t>(at - start));
}

// A cursor over plain statement text.
class PlainText {
public:
  explicit PlainText(llvm::StringRef text) : text(text) {}

  bool atEnd() {
    skipBlanks();
    return text.empty();
  }

  // A decimal number as the lexer reads it ([1-9][0-9]* or 0; a leading 0 means octal
  // and is left to the lexer), of at most 9 digits.
  std::optional<uint32_t> decimal() {
    skipBlanks();
    size_t length = 0;
    while (length < text.size() && text[length] >= '0' && text[length] <= '9')
      ++length;
    if (length == 0 || length > 9 || (length > 1 && text[0] == '0') || !endsToken(length))
      return std::nullopt;
    uint32_t value = 0;
    for (size_t at = 0; at < length; ++at)
      value = value * 10 + static_cast<uint32_t>(text[at] - '0');
    text = text.drop_front(length);
    return value;
  }

  // A word of letters, digits, '_' and '.', starting with a letter or '_' or with '.' and
  // a letter or '_' (the lexer reads `.5` as a number and a lone `.` as the location).
  std::optional<llvm::StringRef> word() {
    skipBlanks();
    auto letter = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    size_t start = !text.empty() && text[0] == '.' ? 1 : 0;
    if (text.size() <= start || !letter(text[start]))
      return std::nullopt;
    size_t length = start + 1;
    while (length < text.size() && (letter(text[length]) || text[length] == '.' ||
                                    (text[length] >= '0' && text[length] <= '9')))
      ++length;
    llvm::StringRef result = text.take_front(length);
    text = text.drop_front(length);
    return result;
  }

  // A binary operator character, with or without blanks around it.
  bool consumeOperator(char op) {
    skipBlanks();
    if (text.empty() || text[0] != op)
      return false;
    text = text.drop_front(1);
    return true;
  }

  // An integer literal as the lexer reads it, for the forms whose value is plain: 0,
  // [1-9][0-9]* (at most 18 digits) and 0x/0X with at most 15 hex digits. Octal, binary,
  // character literals and `1f`-style label references are left to the lexer.
  std::optional<int64_t> integer() {
    skipBlanks();
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      size_t length = 2;
      int64_t value = 0;
      for (; length < text.size() && length < 17 && hexDigit(text[length]) >= 0; ++length)
        value = value * 16 + hexDigit(text[length]);
      if (length == 2 || !endsToken(length))
        return std::nullopt;
      text = text.drop_front(length);
      return value;
    }
    size_t length = 0;
    while (length < text.size() && text[length] >= '0' && text[length] <= '9')
      ++length;
    if (length == 0 || length > 18 || (length > 1 && text[0] == '0') || !endsToken(length))
      return std::nullopt;
    int64_t value = 0;
    for (size_t at = 0; at < length; ++at)
      value = value * 10 + (text[at] - '0');
    text = text.drop_front(length);
    return value;
  }

  // The text not read yet, blanks skipped.
  llvm::StringRef remaining() {
    skipBlanks();
    return text;
  }

  bool consume(llvm::StringRef literal) {
    skipBlanks();
    if (!text.starts_with(literal) || !endsToken(literal.size()))
      return false;
    text = text.drop_front(literal.size());
    return true;
  }

private:
  static int hexDigit(char c) {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  }
  void skipBlanks() {
    size_t blanks = 0;
    while (blanks < text.size() && (text[blanks] == ' ' || text[blanks] == '\t'))
      ++blanks;
    text = text.drop_front(blanks);
  }
  bool endsToken(size_t length) const {
    return length == text.size() || text[length] == ' ' || text[length] == '\t' ||
           text[length] == ',';
  }
  llvm::StringRef text;
};

} // namespace afterburner
