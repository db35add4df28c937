// manual_bench.cpp: the samples/bench loop with every hot op written by hand against
// Xen's PV ABI, as a paravirt port would write it (the "Manual" column of
// scripts/bench-xen.sh), and the same ops as raw bare-metal instructions left to trap
// into Xen (the "Trap" column: the sample kernel itself cannot boot with patching off,
// because its first port access, lgdt or cr3 write kills the domain).
//
// A separate guest: the Xen wedge's PV entry and notes boot it (kernel_entry64 below),
// no loader runs, no site exists. Output, one line per op and column:
//   bench mode=manual op=cli_sti cycles=21 ns=9 iterations=20000   (Linux-style PV ops)
//   bench mode=inline op=cli_sti cycles=14 ns=6 iterations=20000   (the same, inlined)
//   bench mode=trap op=in_lsr dies=#GP
#include "../hypercall.h"
#include "../uart_model.h"
#include "../xen_interface.h"

#include <afterburner/loader.h>

extern "C" {
extern unsigned char afterburner_xen_shared_page[4096];
extern uint64_t manual_skip_length;
extern uint64_t manual_faulted;
extern const char manual_invalid_opcode_entry[];
extern const char manual_general_protection_entry[];
void manual_invalid_opcode(uint64_t *rip);
[[noreturn]] void kernel_entry64(const afterburner_boot_info *boot);
}

namespace afterburner::xen {
namespace {

constexpr uint16_t DebugExitPort = 0xf4;
constexpr uint16_t Com1 = 0x3f8;
constexpr uint64_t FlagInterrupt = 1u << 9;
constexpr uint32_t MsrEfer = 0xc0000080;
constexpr uint64_t DefaultIterations = 20000;

vcpu_info &vcpu() { return ((shared_info *)afterburner_xen_shared_page)->vcpu_info[0]; }

// ---- Output -----------------------------------------------------------------------------

char line[160];
unsigned lineLength = 0;

void put(const char *text) {
  while (*text && lineLength < sizeof line)
    line[lineLength++] = *text++;
}

void putNumber(uint64_t value) {
  char digits[24];
  unsigned count = 0;
  do {
    digits[count++] = char('0' + value % 10);
    value /= 10;
  } while (value);
  while (count && lineLength < sizeof line)
    line[lineLength++] = digits[--count];
}

void endLine() {
  put("\n");
  consoleWrite(line, lineLength);
  lineLength = 0;
}

// ---- Time -------------------------------------------------------------------------------

uint64_t readTimestamp() {
  uint32_t low, high;
  asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
  return uint64_t(high) << 32 | low;
}

uint64_t tscHz() {
  const vcpu_time_info &time = vcpu().time;
  uint64_t hz = (1000000000ull << 32) / time.tsc_to_system_mul;
  return time.tsc_shift < 0 ? hz << -time.tsc_shift : hz >> time.tsc_shift;
}

struct Bench {
  uint64_t iterations;
  uint64_t emptyLoopCycles;
  uint64_t hz;
};

template <typename Operation> uint64_t timeLoop(uint64_t iterations, Operation operation) {
  const uint64_t start = readTimestamp();
  for (uint64_t iteration = 0; iteration < iterations; ++iteration)
    operation();
  return readTimestamp() - start;
}

void report(const Bench &bench, const char *mode, const char *name, uint64_t cycles) {
  const uint64_t total = cycles > bench.emptyLoopCycles ? cycles - bench.emptyLoopCycles : 0;
  const uint64_t perOp = total / bench.iterations;
  put("bench mode=");
  put(mode);
  put(" op=");
  put(name);
  put(" cycles=");
  putNumber(perOp);
  put(" ns=");
  putNumber(bench.hz ? perOp * 1000000000ull / bench.hz : 0);
  put(" iterations=");
  putNumber(bench.iterations);
  endLine();
}

template <typename Operation>
void measure(const Bench &bench, const char *mode, const char *name, Operation operation) {
  report(bench, mode, name, timeLoop(bench.iterations, operation));
}

// ---- The paravirt port: interrupt flag, flags, events -----------------------------------
// As Linux's Xen PV ops: out-of-line functions the kernel calls directly
// (xen_irq_disable_direct & co.), free to clobber the flags. The "inline" variants are the
// same code expanded in place, the best a hand port could do.

void forceUpcall() { xenVersion(XENVER_version, nullptr); }

inline void irqDisableInline() {
  asm volatile("movb $1, %0" : "+m"(vcpu().evtchn_upcall_mask)::"memory");
}

inline void irqEnableInline() {
  asm volatile("movb $0, %0" : "+m"(vcpu().evtchn_upcall_mask)::"memory");
  if (__atomic_load_n(&vcpu().evtchn_upcall_pending, __ATOMIC_RELAXED))
    forceUpcall();
}

inline uint64_t saveFlagsInline() { return vcpu().evtchn_upcall_mask ? 0 : FlagInterrupt; }

inline void restoreFlagsInline(uint64_t flags) {
  if (flags & FlagInterrupt)
    irqEnableInline();
  else
    irqDisableInline();
}

__attribute__((noinline)) void irqDisable() { irqDisableInline(); }
__attribute__((noinline)) void irqEnable() { irqEnableInline(); }
__attribute__((noinline)) uint64_t saveFlags() { return saveFlagsInline(); }
__attribute__((noinline)) void restoreFlags(uint64_t flags) { restoreFlagsInline(flags); }

inline void xenCpuid(uint32_t leaf) {
  uint32_t eax = leaf, ebx, ecx = 0, edx;
  asm volatile("ud2; .ascii \"xen\"; cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
}

inline uint64_t nativeRdmsr(uint32_t msr) {
  uint32_t low, high;
  asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
  return uint64_t(high) << 32 | low;
}

void flushTlb(unsigned command, uint64_t address) {
  mmuext_op operation{};
  operation.cmd = command;
  operation.arg1.linear_addr = address;
  mmuextOp(&operation, 1);
}

void ignoreByte(char) {}
UartModel uart(ignoreByte);

uint64_t invalidOpcodes = 0;

void installTrapTable() {
  static trap_info_t traps[3] = {};
  traps[0] = {6, 0, FLAT_KERNEL_CS, (unsigned long)manual_invalid_opcode_entry};
  traps[1] = {13, 0, FLAT_KERNEL_CS, (unsigned long)manual_general_protection_entry};
  hypercall<__HYPERVISOR_set_trap_table>((unsigned long)traps);
}

void measureManual(const Bench &bench) {
  measure(bench, "manual", "cli_sti", [] {
    irqDisable();
    irqEnable();
  });
  irqDisable();
  measure(bench, "manual", "pushf_popf", [] { restoreFlags(saveFlags()); });
  measure(bench, "inline", "cli_sti", [] {
    irqDisableInline();
    irqEnableInline();
  });
  irqDisableInline();
  measure(bench, "inline", "pushf_popf", [] { restoreFlagsInline(saveFlagsInline()); });
  measure(bench, "manual", "cpuid", [] { xenCpuid(0); });
  measure(bench, "manual", "rdmsr", [] { nativeRdmsr(MsrEfer); });
  measure(bench, "manual", "out_uart", [] {
    uart.write(Com1 + 7, 0x5a);
    asm volatile("" ::: "memory");
    (void)uart.read(Com1 + 7);
  });
  measure(bench, "manual", "in_lsr", [] { (void)uart.read(Com1 + 5); });
  measure(bench, "manual", "cr3_reload", [] { flushTlb(MMUEXT_TLB_FLUSH_LOCAL, 0); });
  measure(bench, "manual", "invlpg", [] { flushTlb(MMUEXT_INVLPG_LOCAL, 1ull << 32); });
  measure(bench, "manual", "exception", [] { asm volatile("ud2" ::: "memory"); });
}

// ---- The bare-metal instructions, trapping ----------------------------------------------

// Runs a raw sequence once with #GP caught; true when it survived.
template <typename Operation> bool survives(uint64_t skipLength, Operation operation) {
  manual_skip_length = skipLength;
  manual_faulted = 0;
  operation();
  return !manual_faulted;
}

template <typename Operation>
void measureTrap(const Bench &bench, const char *name, uint64_t skipLength, const char *note,
                 Operation operation) {
  if (!survives(skipLength, operation)) {
    put("bench mode=trap op=");
    put(name);
    put(" dies=#GP");
    endLine();
    return;
  }
  const uint64_t cycles = timeLoop(bench.iterations, operation);
  report(bench, "trap", name, cycles);
  if (*note) {
    put("bench mode=trap op=");
    put(name);
    put(" note=");
    put(note);
    endLine();
  }
}

void measureTrapping(const Bench &bench) {
  measureTrap(bench, "cli_sti", 1, "trapped-and-ignored", [] { asm volatile("cli; sti" ::: "memory"); });
  measureTrap(bench, "pushf_popf", 1, "no-trap-IF-wrong", [] {
    asm volatile("pushfq; popfq" ::: "memory", "cc");
  });
  measureTrap(bench, "cpuid", 2, "no-trap-host-leaves", [] {
    uint32_t eax = 0, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  });
  measureTrap(bench, "rdmsr", 2, "", [] { nativeRdmsr(MsrEfer); });
  measureTrap(bench, "out_uart", 1, "", [] {
    asm volatile("outb %%al, %%dx; inb %%dx, %%al" ::"a"(0x5a), "d"(Com1 + 7) : "memory");
  });
  measureTrap(bench, "in_lsr", 1, "", [] {
    uint8_t value;
    asm volatile("inb %%dx, %%al" : "=a"(value) : "d"(Com1 + 5) : "memory");
  });
  measureTrap(bench, "cr3_reload", 3, "xen-tables-only", [] {
    uint64_t cr3;
    asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
  });
  measureTrap(bench, "invlpg", 3, "", [] {
    asm volatile("invlpg (%0)" ::"r"(1ull << 32) : "memory");
  });
  measureTrap(bench, "exception", 2, "", [] { asm volatile("ud2" ::: "memory"); });
}

uint64_t iterationsFrom(const char *commandLine) {
  const char key[] = "iterations=";
  for (const char *position = commandLine; position && *position; ++position) {
    unsigned matched = 0;
    while (key[matched] && position[matched] == key[matched])
      ++matched;
    if (key[matched])
      continue;
    uint64_t value = 0;
    for (position += matched; *position >= '0' && *position <= '9'; ++position)
      value = value * 10 + uint64_t(*position - '0');
    return value ? value : DefaultIterations;
  }
  return DefaultIterations;
}

[[noreturn]] void powerOff() {
  asm volatile("outl %0, %w1" ::"a"(0x10), "Nd"(DebugExitPort));
  sched_shutdown_t shutdown{SHUTDOWN_poweroff};
  for (;;)
    schedOp(SCHEDOP_shutdown, &shutdown);
}

} // namespace
} // namespace afterburner::xen

using namespace afterburner::xen;

extern "C" void manual_invalid_opcode(uint64_t *rip) {
  invalidOpcodes = invalidOpcodes + 1;
  *rip += 2;
}

// Entered from the wedge's PV entry stub on its boot stack, events masked.
extern "C" void kernel_entry64(const afterburner_boot_info *boot) {
  const start_info_t *start = (const start_info_t *)boot->entry_data;
  physdev_set_iopl_t iopl{1};
  physdevOp(PHYSDEVOP_set_iopl, &iopl);
  installTrapTable();
  Bench bench{iterationsFrom(boot->command_line), 0, tscHz()};
  bench.emptyLoopCycles = timeLoop(bench.iterations, [] { asm volatile("" ::: "memory"); });
  put("bench: manual xen-pv tsc_khz=");
  putNumber(bench.hz / 1000);
  put(" iterations=");
  putNumber(bench.iterations);
  put(" pages=");
  putNumber(start->nr_pages);
  endLine();
  measureManual(bench);
  measureTrapping(bench);
  put("bench: done");
  endLine();
  put("SUCCESS");
  endLine();
  powerOff();
}
