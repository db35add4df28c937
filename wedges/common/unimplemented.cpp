// unimplemented.cpp: the shared "halt naming the op" handler and the console and
// halt hooks (entry.h).
#include <afterburner/common/entry.h>

namespace {

afterburner_console_write_fn consoleWrite = nullptr;
afterburner_halt_fn haltHook = nullptr;

constexpr const char *opNames[AFTERBURNER_OP_LIMIT] = {
    "invalid",
#define AFTERBURNER_COMMON_OP_NAME(name, id, size, class_, flow, modes) #name,
    AFTERBURNER_SITE_OPS(AFTERBURNER_COMMON_OP_NAME)
#undef AFTERBURNER_COMMON_OP_NAME
};

// A fixed line buffer: no libc, no allocation.
class Line {
public:
  Line &text(const char *string) {
    while (string && *string && size_ + 1 < sizeof buffer_)
      buffer_[size_++] = *string++;
    return *this;
  }
  Line &number(uint64_t value, unsigned base) {
    char digits[24];
    size_t count = 0;
    do {
      digits[count++] = "0123456789abcdef"[value % base];
      value /= base;
    } while (value != 0);
    if (base == 16)
      text("0x");
    while (count > 0 && size_ + 1 < sizeof buffer_)
      buffer_[size_++] = digits[--count];
    return *this;
  }
  void print() const {
    if (consoleWrite)
      consoleWrite(buffer_, size_);
  }

private:
  char buffer_[160];
  size_t size_ = 0;
};

[[noreturn]] void haltForever() {
  if (haltHook)
    haltHook();
  for (;;)
    asm volatile("cli; hlt" ::: "memory");
}

} // namespace

extern "C" void afterburner_common_set_console(afterburner_console_write_fn write) {
  consoleWrite = write;
}

extern "C" void afterburner_common_set_halt(afterburner_halt_fn halt) {
  haltHook = halt;
}

extern "C" void afterburner_common_panic(const char *message) {
  Line().text("afterburner: ").text(message).text("\n").print();
  haltForever();
}

extern "C" void afterburner_common_halt_unimplemented(const afterburner_site *site,
                                                      uintptr_t returnAddress) {
  const unsigned op = site->op;
  Line()
      .text("afterburner: unimplemented op ")
      .text(op < AFTERBURNER_OP_LIMIT ? opNames[op] : "unknown")
      .text(" (")
      .number(op, 10)
      .text(") at site ")
      .number(returnAddress - 5, 16)
      .text(", halting\n")
      .print();
  haltForever();
}
