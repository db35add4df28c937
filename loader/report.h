// report.h: small freestanding text formatting, the diagnostics buffer and the
// summary line. Nothing here calls the console: boot.cpp prints after patching.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace afterburner::loader {

// Appends text into a fixed buffer; silently truncates, always NUL-terminated.
class TextBuilder {
public:
  TextBuilder(char *buffer, size_t capacity);
  TextBuilder &text(const char *string);
  TextBuilder &text(const char *string, size_t length);
  TextBuilder &decimal(uint64_t value);
  TextBuilder &signedDecimal(int64_t value);
  TextBuilder &hex(uint64_t value); // 0x-prefixed
  const char *data() const { return buffer_; }
  size_t size() const { return size_; }
  bool truncated() const { return truncated_; }

private:
  TextBuilder &character(char value);
  char *buffer_;
  size_t capacity_;
  size_t size_ = 0;
  bool truncated_ = false;
};

// Lines the loader wants to say (rejected records, refused notes, wedge problems),
// kept until the console may be called. When full, later lines are counted only.
class Diagnostics {
public:
  static constexpr size_t capacity = 4096;

  void addLine(const char *text, size_t length);
  const char *text() const { return buffer_; }
  size_t size() const { return size_; }
  uint32_t lineCount() const { return lines_; }
  uint32_t droppedLines() const { return dropped_; }
  void clear();

private:
  void copyLine(const char *text, size_t length);
  char buffer_[capacity] = {};
  size_t size_ = 0;
  uint32_t lines_ = 0;
  uint32_t dropped_ = 0;
};

// Builds one diagnostic line in place and adds it when it goes out of scope:
//   DiagnosticLine(diagnostics).text("afterburner: ").decimal(3);
struct DiagnosticLineStorage {
  char line_[200];
};

class DiagnosticLine : private DiagnosticLineStorage, public TextBuilder {
public:
  explicit DiagnosticLine(Diagnostics &diagnostics);
  ~DiagnosticLine();
  // Drops the line: nothing is added.
  void cancel() { cancelled_ = true; }
  DiagnosticLine(const DiagnosticLine &) = delete;
  DiagnosticLine &operator=(const DiagnosticLine &) = delete;

private:
  Diagnostics &diagnostics_;
  bool cancelled_ = false;
};

// What the loader did, for the summary line.
struct Summary {
  const char *wedge = "none";
  uint32_t sites = 0;
  uint32_t patched = 0;
  uint32_t native = 0;
  uint32_t rejected = 0;
  const char *note = nullptr;         // appended in brackets: "patching disabled", ...
  const uint32_t *opCounts = nullptr; // per op id: valid sites, or nullptr
};

// `afterburner: wedge=xen sites=2813 patched=2809 native=4 rejected=0 (cli 775, ...)`
// plus a newline. The list names every op with sites, in op-id order.
size_t formatSummary(const Summary &summary, char *buffer, size_t capacity);

} // namespace afterburner::loader
