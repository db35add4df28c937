// manual_bench.cpp: the Xen bench guest behind scripts/bench-xen.sh. In ONE boot, round
// after round, it times each hot op of samples/bench three ways:
//   auto    the op as a bare-metal kernel writes it (auto_ops.cpp, assembled by
//           afterburner-as), patched by the loader to the Xen wedge: pre-virtualization;
//   manual  the op written by hand against Xen's PV ABI as Linux's PV ops are (direct
//           calls), and "inline", the same code expanded in place;
//   trap    the bare-metal instruction run unpatched, trapping into Xen (or not: some
//           never trap and silently misbehave, some kill the domain, caught here as #GP);
//   unpatched  with afterburner=off on the command line: the very Auto loops, their sites
//           left native by the loader (the same image with patching disabled).
// and prints each column's fastest round (every column alike): under QEMU TCG on a shared
// machine a preempted virtual CPU only ever adds time, so the fastest round is the robust
// estimate, as in samples/bench. The wedge's PV entry and notes boot it (kernel_entry64).
//   bench mode=manual op=cli_sti cycles=21 ns=9 iterations=2000
//   bench mode=trap op=in_lsr dies=#GP
#include "../hypercall.h"
#include "../uart_model.h"
#include "../xen_interface.h"
#include "bench_ops.h"

#include <afterburner/loader.h>

extern "C" {
extern unsigned char afterburner_xen_shared_page[4096];
extern uint64_t manual_skip_length;
extern uint64_t manual_faulted;
extern const char manual_invalid_opcode_entry[];
extern const char manual_general_protection_entry[];
extern const char auto_invalid_opcode_entry[];
extern char __text_start[], __text_end[];
extern char __afterburner_notes_start[], __afterburner_notes_end[];
void manual_invalid_opcode(uint64_t *rip);
[[noreturn]] void kernel_entry64(const afterburner_boot_info *boot);
}

namespace afterburner::xen {
namespace {

constexpr uint16_t DebugExitPort = 0xf4;
constexpr uint16_t Com1 = BenchCom1;
constexpr uint64_t FlagInterrupt = 1u << 9;
constexpr uint32_t MsrEfer = BenchMsrEfer;
constexpr uint64_t DefaultIterations = 2000;
constexpr unsigned Rounds = 7;
constexpr unsigned OpCount = 10;

vcpu_info &vcpu() {
  return ((shared_info *)afterburner_xen_shared_page)->vcpu_info[0];
}

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

// ---- The paravirt port: interrupt flag, flags, events -----------------------------------
// As Linux's Xen PV ops: out-of-line functions the kernel calls directly
// (xen_irq_disable_direct & co.), free to clobber the flags. The "inline" variants are the
// same code expanded in place, the best a hand port could do.

void forceUpcall() {
  xenVersion(XENVER_version, nullptr);
}

inline void irqDisableInline() {
  asm volatile("movb $1, %0" : "+m"(vcpu().evtchn_upcall_mask)::"memory");
}

inline void irqEnableInline() {
  asm volatile("movb $0, %0" : "+m"(vcpu().evtchn_upcall_mask)::"memory");
  if (__atomic_load_n(&vcpu().evtchn_upcall_pending, __ATOMIC_RELAXED))
    forceUpcall();
}

inline uint64_t saveFlagsInline() {
  return vcpu().evtchn_upcall_mask ? 0 : FlagInterrupt;
}

inline void restoreFlagsInline(uint64_t flags) {
  if (flags & FlagInterrupt)
    irqEnableInline();
  else
    irqDisableInline();
}

__attribute__((noinline)) void irqDisable() {
  irqDisableInline();
}
__attribute__((noinline)) void irqEnable() {
  irqEnableInline();
}
__attribute__((noinline)) uint64_t saveFlags() {
  return saveFlagsInline();
}
__attribute__((noinline)) void restoreFlags(uint64_t flags) {
  restoreFlagsInline(flags);
}

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

// A PV port has no UART: its stand-in for a device register is a direct call into the
// same device model the wedge runs.
void ignoreByte(char) {}
UartModel uart(ignoreByte);

uint64_t invalidOpcodes = 0;

// ---- Trap tables ------------------------------------------------------------------------

// The hand-written port's: #UD steps over ud2, #GP notes a raw instruction that faulted.
void installManualTrapTable() {
  static trap_info_t traps[3] = {};
  traps[0] = {6, 0, FLAT_KERNEL_CS, (unsigned long)manual_invalid_opcode_entry};
  traps[1] = {13, 0, FLAT_KERNEL_CS, (unsigned long)manual_general_protection_entry};
  hypercall<__HYPERVISOR_set_trap_table>((unsigned long)traps);
}

// The bare-metal kernel's: an IDT with its #UD gate, loaded with lidt (a site).
struct __attribute__((packed)) Gate {
  uint16_t offsetLow, selector;
  uint8_t stackTable, attributes;
  uint16_t offsetMiddle;
  uint32_t offsetHigh, reserved;
};
struct __attribute__((packed)) TablePointer {
  uint16_t limit;
  uint64_t base;
};
alignas(16) Gate autoIdt[7];

void installAutoIdt() {
  const uint64_t handler = (uint64_t)auto_invalid_opcode_entry;
  autoIdt[6] = {uint16_t(handler),       0x08, 0, 0x8f, uint16_t(handler >> 16),
                uint32_t(handler >> 32), 0};
  loadAutoIdt(sizeof autoIdt - 1, (uint64_t)autoIdt);
}

// ---- Rounds -----------------------------------------------------------------------------

// Unpatched: the Auto loops in a boot with afterburner=off, the sites left native.
enum Column { Auto, Manual, Inline, Trap, Unpatched, ColumnCount };
const char *const ColumnNames[ColumnCount] = {"auto", "manual", "inline", "trap", "unpatched"};
const char *const OpNames[OpCount] = {"cli_sti", "pushf_popf", "cpuid",  "rdmsr",     "out_uart",
                                      "in_lsr",  "cr3_reload", "invlpg", "exception", "trampoline"};

struct Samples {
  uint64_t cycles[ColumnCount][OpCount][Rounds];
  bool present[ColumnCount][OpCount];
  bool dies[OpCount];
  bool unpatchedDies[OpCount];
};
Samples samples;

uint64_t iterations = DefaultIterations;
uint64_t emptyLoop = 0; // this round's

template <typename Operation> uint64_t timeLoop(Operation operation) {
  const uint64_t start = readTimestamp();
  for (uint64_t iteration = 0; iteration < iterations; ++iteration)
    operation();
  return readTimestamp() - start;
}

void record(Column column, unsigned op, unsigned round, uint64_t loopCycles) {
  const uint64_t net = loopCycles > emptyLoop ? loopCycles - emptyLoop : 0;
  samples.cycles[column][op][round] = net / iterations;
  samples.present[column][op] = true;
}

template <typename Operation>
void manual(unsigned op, unsigned round, Column column, Operation operation) {
  record(column, op, round, timeLoop(operation));
}

void measureManual(unsigned round) {
  manual(0, round, Manual, [] {
    irqDisable();
    irqEnable();
  });
  irqDisable();
  manual(1, round, Manual, [] { restoreFlags(saveFlags()); });
  manual(0, round, Inline, [] {
    irqDisableInline();
    irqEnableInline();
  });
  irqDisableInline();
  manual(1, round, Inline, [] { restoreFlagsInline(saveFlagsInline()); });
  manual(2, round, Manual, [] { xenCpuid(0); });
  manual(3, round, Manual, [] { nativeRdmsr(MsrEfer); });
  manual(4, round, Manual, [] {
    uart.write(Com1 + 7, 0x5a);
    asm volatile("" ::: "memory");
    (void)uart.read(Com1 + 7);
  });
  manual(5, round, Manual, [] { (void)uart.read(Com1 + 5); });
  manual(6, round, Manual, [] { flushTlb(MMUEXT_TLB_FLUSH_LOCAL, 0); });
  manual(7, round, Manual, [] { flushTlb(MMUEXT_INVLPG_LOCAL, BenchTestAddress); });
  installManualTrapTable();
  manual(8, round, Manual, [] { asm volatile("ud2" ::: "memory"); });
}

uint64_t (*const AutoLoops[OpCount])(uint64_t) = {
    auto_cli_sti, auto_pushf_popf, auto_cpuid,  auto_rdmsr,     auto_out_uart,
    auto_in_lsr,  auto_cr3_reload, auto_invlpg, auto_exception, auto_trampoline};

// Each loop starts with events masked, the state the manual ones run in (measureManual
// masks before pushf_popf); auto_cli_sti leaves them unmasked.
void measureAuto(unsigned round) {
  installAutoIdt();
  for (unsigned op = 0; op < OpCount; ++op) {
    irqDisableInline();
    record(Auto, op, round, AutoLoops[op](iterations));
  }
  irqDisableInline();
}

// afterburner=off: the same loops with their sites native. Each is probed once with #GP
// caught (the catcher steps over the faulting instruction); one that faults is reported
// as dying and not timed.
void measureUnpatched(unsigned round) {
  installManualTrapTable();
  for (unsigned op = 0; op < OpCount; ++op) {
    if (samples.unpatchedDies[op])
      continue;
    if (round == 0) {
      manual_skip_length = 0;
      manual_faulted = 0;
      AutoLoops[op](1);
      if (manual_faulted) {
        samples.unpatchedDies[op] = true;
        continue;
      }
    }
    record(Unpatched, op, round, AutoLoops[op](iterations));
  }
  irqDisableInline();
}

// Runs a raw sequence once with #GP caught; true when it survived.
template <typename Operation> bool survives(uint64_t skipLength, Operation operation) {
  manual_skip_length = skipLength;
  manual_faulted = 0;
  operation();
  return !manual_faulted;
}

template <typename Operation>
void trap(unsigned op, unsigned round, uint64_t skipLength, Operation operation) {
  if (samples.dies[op] || !survives(skipLength, operation)) {
    samples.dies[op] = true;
    return;
  }
  record(Trap, op, round, timeLoop(operation));
}

void measureTrapping(unsigned round) {
  installManualTrapTable();
  trap(0, round, 1, [] { asm volatile("cli; sti" ::: "memory"); });
  trap(1, round, 1, [] { asm volatile("pushfq; popfq" ::: "memory", "cc"); });
  trap(2, round, 2, [] {
    uint32_t eax = 0, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  });
  trap(3, round, 2, [] { nativeRdmsr(MsrEfer); });
  trap(4, round, 1, [] {
    asm volatile("outb %%al, %%dx; inb %%dx, %%al" ::"a"(0x5a), "d"(Com1 + 7) : "memory");
  });
  trap(5, round, 1, [] {
    uint8_t value;
    asm volatile("inb %%dx, %%al" : "=a"(value) : "d"(Com1 + 5) : "memory");
  });
  trap(6, round, 3, [] {
    uint64_t cr3;
    asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
  });
  trap(7, round, 3, [] { asm volatile("invlpg (%0)" ::"r"(BenchTestAddress) : "memory"); });
  trap(8, round, 2, [] { asm volatile("ud2" ::: "memory"); });
}

// What the trap column cannot show by a number.
const char *const TrapNotes[OpCount] = {"trapped-and-ignored",
                                        "no-trap-IF-wrong",
                                        "no-trap-host-leaves",
                                        "",
                                        "",
                                        "",
                                        "xen-tables-only",
                                        "",
                                        "",
                                        ""};

// Interference (another vCPU, the host) only ever adds time to a round.
uint64_t fastest(const uint64_t *values) {
  uint64_t best = values[0];
  for (unsigned round = 1; round < Rounds; ++round)
    best = values[round] < best ? values[round] : best;
  return best;
}

void printColumn(Column column, unsigned op, uint64_t hz) {
  if (!samples.present[column][op])
    return;
  const uint64_t cycles = fastest(samples.cycles[column][op]);
  put("bench mode=");
  put(ColumnNames[column]);
  put(" op=");
  put(OpNames[op]);
  put(" cycles=");
  putNumber(cycles);
  put(" ns=");
  putNumber(hz ? cycles * 1000000000ull / hz : 0);
  put(" iterations=");
  putNumber(iterations);
  endLine();
}

void printResults(uint64_t hz) {
  for (unsigned op = 0; op < OpCount; ++op) {
    for (unsigned column = 0; column < ColumnCount; ++column)
      printColumn(Column(column), op, hz);
    if (samples.unpatchedDies[op]) {
      put("bench mode=unpatched op=");
      put(OpNames[op]);
      put(" dies=#GP");
      endLine();
    }
    if (samples.present[Trap][op] || samples.dies[op]) {
      if (samples.dies[op] || *TrapNotes[op]) {
        put("bench mode=trap op=");
        put(OpNames[op]);
        put(samples.dies[op] ? " dies=#GP" : " note=");
        if (!samples.dies[op])
          put(TrapNotes[op]);
        endLine();
      }
    }
  }
}

bool hasWord(const char *commandLine, const char *word) {
  for (const char *position = commandLine; position && *position; ++position) {
    unsigned matched = 0;
    while (word[matched] && position[matched] == word[matched])
      ++matched;
    if (!word[matched])
      return true;
  }
  return false;
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

void writeConsole(const char *text, size_t length) {
  consoleWrite(text, length);
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

// The length of the privileged instructions the bench's loops can fault on (#GP): port
// I/O, moves to and from control registers, invlpg, lidt, rdmsr/wrmsr, cli/sti, hlt.
static uint64_t faultingLength(const uint8_t *code) {
  unsigned length = 0;
  if ((code[0] & 0xf0) == 0x40) // REX
    ++length;
  const uint8_t *opcode = code + length;
  switch (opcode[0]) {
  case 0xe4:
  case 0xe5:
  case 0xe6:
  case 0xe7:
    return length + 2; // in/out with an imm8 port
  case 0x0f:
    break;
  default:
    return length + 1; // in/out dx, cli, sti, hlt
  }
  if (opcode[1] == 0x30 || opcode[1] == 0x32 || opcode[1] == 0x06 || opcode[1] == 0x09)
    return length + 2; // wrmsr, rdmsr, clts, wbinvd
  const uint8_t modrm = opcode[2];
  const unsigned mod = modrm >> 6, rm = modrm & 7;
  length += 3;
  if (opcode[1] == 0x20 || opcode[1] == 0x22 || mod == 3)
    return length; // mov to/from a control register
  if (rm == 4)
    ++length; // SIB
  if (mod == 1)
    length += 1;
  else if (mod == 2 || (mod == 0 && rm == 5))
    length += 4;
  return length;
}

extern "C" void manual_general_protection(uint64_t *rip) {
  manual_faulted = 1;
  *rip += manual_skip_length ? manual_skip_length : faultingLength((const uint8_t *)*rip);
}

extern "C" void manual_invalid_opcode(uint64_t *rip) {
  invalidOpcodes = invalidOpcodes + 1;
  *rip += 2;
}

// Entered from the wedge's PV entry stub on its boot stack, events masked.
extern "C" void kernel_entry64(const afterburner_boot_info *entry) {
  afterburner_boot_info boot = *entry;
  boot.text_start = (uintptr_t)__text_start;
  boot.text_end = (uintptr_t)__text_end;
  boot.notes_start = __afterburner_notes_start;
  boot.notes_end = __afterburner_notes_end;
  boot.console_write = writeConsole;
  const afterburner_boot_result *loader = afterburner_boot(&boot);
  iterations = iterationsFrom(boot.command_line);
  if (hasWord(boot.command_line, "probe_unimplemented"))
    auto_unimplemented(); // halts the domain, naming wbinvd
  const uint64_t hz = tscHz();
  put("bench: manual xen-pv tsc_khz=");
  putNumber(hz / 1000);
  put(" iterations=");
  putNumber(iterations);
  put(" rounds=");
  putNumber(Rounds);
  put(" wedge=");
  put(loader->wedge);
  put(" patched=");
  putNumber(loader->patched);
  endLine();
  // With afterburner=off the loader patched nothing: time the same loops unpatched.
  const bool patched = loader->patched > 0;
  for (unsigned round = 0; round < Rounds; ++round) {
    emptyLoop = timeLoop([] { asm volatile("" ::: "memory"); });
    if (!patched) {
      measureUnpatched(round);
      continue;
    }
    measureAuto(round);
    measureManual(round);
    measureTrapping(round);
  }
  printResults(hz);
  put("bench: done");
  endLine();
  put("SUCCESS");
  endLine();
  powerOff();
}
