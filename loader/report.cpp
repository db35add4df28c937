// report.cpp: formatting without libc (see report.h).
#include "report.h"

#include "op_table.h"

#include <afterburner/site_abi.h>

namespace afterburner::loader {

TextBuilder::TextBuilder(char *buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {
  if (capacity_ > 0)
    buffer_[0] = '\0';
}

TextBuilder &TextBuilder::character(char value) {
  if (size_ + 1 >= capacity_) {
    truncated_ = true;
    return *this;
  }
  buffer_[size_++] = value;
  buffer_[size_] = '\0';
  return *this;
}

TextBuilder &TextBuilder::text(const char *string) {
  for (; string && *string; ++string)
    character(*string);
  return *this;
}

TextBuilder &TextBuilder::text(const char *string, size_t length) {
  for (size_t index = 0; index < length; ++index)
    character(string[index]);
  return *this;
}

TextBuilder &TextBuilder::decimal(uint64_t value) {
  char digits[20];
  size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0)
    character(digits[--count]);
  return *this;
}

TextBuilder &TextBuilder::signedDecimal(int64_t value) {
  if (value >= 0)
    return decimal(static_cast<uint64_t>(value));
  character('-');
  return decimal(0 - static_cast<uint64_t>(value));
}

TextBuilder &TextBuilder::hex(uint64_t value) {
  text("0x");
  int shift = 60;
  while (shift > 0 && ((value >> shift) & 0xf) == 0)
    shift -= 4;
  for (; shift >= 0; shift -= 4)
    character("0123456789abcdef"[(value >> shift) & 0xf]);
  return *this;
}

void Diagnostics::addLine(const char *text, size_t length) {
  if (size_ + length + 2 > capacity) {
    ++dropped_;
    return;
  }
  copyLine(text, length);
}

void Diagnostics::copyLine(const char *text, size_t length) {
  for (size_t index = 0; index < length; ++index)
    buffer_[size_++] = text[index];
  buffer_[size_++] = '\n';
  buffer_[size_] = '\0';
  ++lines_;
}

void Diagnostics::clear() {
  size_ = 0;
  lines_ = 0;
  dropped_ = 0;
  buffer_[0] = '\0';
}

DiagnosticLine::DiagnosticLine(Diagnostics &diagnostics)
    : TextBuilder(line_, sizeof line_), diagnostics_(diagnostics) {}

DiagnosticLine::~DiagnosticLine() {
  if (!cancelled_)
    diagnostics_.addLine(data(), size());
}

namespace {

void appendOpCounts(TextBuilder &line, const uint32_t *opCounts) {
  bool first = true;
  for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op) {
    if (opCounts[op] == 0)
      continue;
    line.text(first ? " (" : ", ").text(opName(op)).text(" ").decimal(opCounts[op]);
    first = false;
  }
  if (!first)
    line.text(")");
}

} // namespace

size_t formatSummary(const Summary &summary, char *buffer, size_t capacity) {
  TextBuilder line(buffer, capacity);
  line.text("afterburner: wedge=").text(summary.wedge);
  line.text(" sites=").decimal(summary.sites);
  line.text(" patched=").decimal(summary.patched);
  line.text(" native=").decimal(summary.native);
  line.text(" rejected=").decimal(summary.rejected);
  if (summary.opCounts)
    appendOpCounts(line, summary.opCounts);
  if (summary.note)
    line.text(" [").text(summary.note).text("]");
  line.text("\n");
  return line.size();
}

} // namespace afterburner::loader
