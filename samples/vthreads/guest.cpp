// guest.cpp: functions of the vthreads sample that run as Akaros vthreads. Compiled
// as guest code (freestanding, through afterburner-as), so their sensitive
// instructions are sites: port I/O to COM1, cpuid, rdtsc, pushf/popf, cli/sti. The
// first vthread runs the loader, which picks the Akaros wedge and patches them.
#include "guest.h"

#include "akaros_abi.h"

#include <afterburner/loader.h>

namespace {

constexpr uint16_t Com1 = 0x3f8;
constexpr uint16_t Com1LineStatus = Com1 + 5;
constexpr uint8_t TransmitEmpty = 0x20;

[[noreturn]] void finish(uint64_t value) {
  afterburner_akaros_vmcall(AKAROS_VTH_VMCALL_EXIT, value, 0, 0, 0, 0);
  for (;;)
    asm volatile("hlt");
}

void outByte(uint16_t port, uint8_t value) {
  asm volatile("outb %0, %1" ::"a"(value), "Nd"(port));
}

uint8_t inByte(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

uint64_t readTimestamp() {
  uint32_t low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return low | uint64_t(high) << 32;
}

uint64_t readFlags() {
  uint64_t flags;
  asm volatile("pushfq; popq %0" : "=r"(flags));
  return flags;
}

struct Cpuid {
  uint32_t eax, ebx, ecx, edx;
};

Cpuid cpuid(uint32_t leaf) {
  Cpuid r;
  asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(0));
  return r;
}

// A polled 16550 driver, as any bare-metal code would write it.
void com1Write(const char *text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    while (!(inByte(Com1LineStatus) & TransmitEmpty))
      ;
    outByte(Com1, static_cast<uint8_t>(text[i]));
  }
}

size_t length(const char *text) {
  size_t count = 0;
  while (text[count])
    ++count;
  return count;
}

} // namespace

extern "C" void vthread_boot(BootRequest *request) {
  afterburner_boot_info info{};
  info.size = sizeof info;
  info.entry_kind = AFTERBURNER_ENTRY_VTHREAD;
  info.entry_data = request->block;
  info.text_start = request->textStart;
  info.text_end = request->textEnd;
  info.notes_start = request->notesStart;
  info.notes_end = request->notesEnd;
  info.console_write = com1Write;
  const afterburner_boot_result *result = afterburner_boot(&info);
  for (size_t i = 0; i + 1 < sizeof request->wedge && result->wedge[i]; ++i)
    request->wedge[i] = result->wedge[i];
  request->sites = result->sites;
  request->patched = result->patched;
  finish(result->patched);
}

extern "C" void vthread_sum(SumRequest *request) {
  const uint64_t start = readTimestamp();
  uint64_t sum = 0;
  for (uint64_t i = 0; i < request->count; ++i)
    sum += request->values[i];
  request->sum = sum;
  request->cycles = readTimestamp() - start;
  finish(sum);
}

extern "C" void vthread_identify(IdentifyRequest *request) {
  request->interruptsWereOff = !(readFlags() & (1u << 9));
  request->apicId = cpuid(1).ebx >> 24;
  const Cpuid akaros = cpuid(AKAROS_CPUID_AKAROS_LEAF);
  const uint32_t words[3] = {akaros.ebx, akaros.ecx, akaros.edx};
  for (int i = 0; i < 12; ++i)
    request->signature[i] = static_cast<char>(words[i / 4] >> (8 * (i % 4)));
  request->signature[12] = '\0';
  finish(request->apicId);
}

extern "C" void vthread_greet(GreetRequest *request) {
  asm volatile("cli"); // the line stays whole: no interrupt between its bytes
  com1Write("vthread: hello from ", 20);
  com1Write(request->name, length(request->name));
  com1Write(" through COM1\n", 14);
  asm volatile("sti; cli");
  uint64_t bytes = 0;
  for (const char *c = request->name; *c; ++c, ++bytes)
    ++request->histogram[static_cast<uint8_t>(*c)];
  finish(bytes);
}
