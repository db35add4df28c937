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

#include <cstdint>
#include <optional>

namespace afterburner {

// The source text from the end of the current token up to (not including) the newline
// that ends the statement, when every character in it is one the fast paths understand.
// The lexer's position is the end of the current token (peeking does not move it), so
// this text is exactly what the lexer would read next.
inline std::optional<llvm::StringRef> plainRestOfStatement(const llvm::AsmToken &token) {
  const char *begin = token.getString().end();
  for (const char *at = begin;; ++at) {
    char c = *at; // source buffers are NUL-terminated
    if (c == '\n')
      return llvm::StringRef(begin, static_cast<size_t>(at - begin));
    bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 c == '_' || c == '.' || c == ' ' || c == '\t' || c == ',' || c == '-';
    if (!plain)
      return std::nullopt;
  }
}

// Consumes the rest of the statement read by plainRestOfStatement and its end, as the
// parser would have after parsing the operands.
inline bool skipPlainRestOfStatement(llvm::MCAsmParser &parser) {
  parser.getLexer().LexUntilEndOfStatement();
  parser.Lex(); // the newline: EndOfStatement
  return parser.parseEOL();
}

inline bool isBlank(llvm::StringRef text) {
  return text.find_first_not_of(" \t") == llvm::StringRef::npos;
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
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
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

  bool consume(llvm::StringRef literal) {
    skipBlanks();
    if (!text.starts_with(literal) || !endsToken(literal.size()))
      return false;
    text = text.drop_front(literal.size());
    return true;
  }

private:
  void skipBlanks() { text = text.ltrim(" \t"); }
  bool endsToken(size_t length) const {
    return length == text.size() || text[length] == ' ' || text[length] == '\t' ||
           text[length] == ',';
  }
  llvm::StringRef text;
};

} // namespace afterburner
