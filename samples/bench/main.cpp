// bench: the cost of each class of sensitive instruction, in TSC cycles per op, with the
// empty loop's cost subtracted. One machine-readable line per op:
//   bench op=cli_sti cycles=123 ns=47 iterations=2000
//
// Each instruction loop runs in `rounds` rounds of iterations/rounds; the fastest round
// counts (for the empty loop too): a preempted virtual CPU only ever adds time.
//
// Command line: iterations=N (default 2000) for the instruction loops, rounds=N (default
// 4), irq_iterations=N (default 20) for the interrupt round trips, hz=N (timer rate for
// them, default 1000).
#include "../common/cpu.h"
#include "../common/devices.h"
#include "../common/kernel.h"
#include "../common/timing.h"

using namespace kernel;

namespace {

struct Bench {
  uint64_t iterations;
  uint64_t rounds;
  uint64_t perRound; // iterations / rounds
  uint64_t irqIterations;
  uint32_t hertz;
  uint64_t emptyLoopCycles; // the fastest empty round of perRound iterations
};

template <typename Operation> uint64_t timeLoop(uint64_t iterations, Operation operation) {
  uint64_t start = cpu::readTimestamp();
  for (uint64_t iteration = 0; iteration < iterations; ++iteration)
    operation();
  return cpu::readTimestamp() - start;
}

void report(const char *name, uint64_t cyclesPerOp, uint64_t iterations) {
  uint64_t nanoseconds = timing::cyclesToNanoseconds(cyclesPerOp, platform().tscHz);
  print("bench op=%s cycles=%lu ns=%lu iterations=%lu\n", name, (unsigned long)cyclesPerOp,
        (unsigned long)nanoseconds, (unsigned long)iterations);
}

// The fastest of bench.rounds rounds of operation, perRound iterations each.
template <typename Operation> uint64_t fastestRound(const Bench &bench, Operation operation) {
  uint64_t best = ~0ull;
  for (uint64_t round = 0; round < bench.rounds; ++round) {
    uint64_t cycles = timeLoop(bench.perRound, operation);
    best = cycles < best ? cycles : best;
  }
  return best;
}

template <typename Operation>
void measure(const Bench &bench, const char *name, Operation operation) {
  uint64_t cycles = fastestRound(bench, operation);
  report(name, timing::cyclesPerOp(cycles, bench.emptyLoopCycles, bench.perRound),
         bench.perRound * bench.rounds);
}

uint64_t measureEmptyLoop(const Bench &bench) {
  return fastestRound(bench, [] { asm volatile("" ::: "memory"); });
}

void measureInstructions(const Bench &bench) {
  measure(bench, "cli_sti", [] {
    cpu::disableInterrupts();
    cpu::enableInterrupts();
  });
  cpu::disableInterrupts();
  measure(bench, "pushf_popf", [] { cpu::writeFlags(cpu::readFlags()); });
  measure(bench, "cpuid", [] { cpu::cpuid(0); });
  measure(bench, "rdmsr", [] { cpu::readMsr(cpu::MsrEfer); });
  measure(bench, "out_uart", [] { uart::scratchRoundTrip(0x5a); });
  measure(bench, "in_lsr", [] { uart::lineStatus(); });
  measure(bench, "cr3_reload", [] { reloadPageTables(); });
  const volatile void *page = (const volatile void *)testPageAddress();
  measure(bench, "invlpg", [page] { cpu::invalidatePage(page); });
  // ud2 rather than int3: this machine's software KVM cannot emulate int3 in ring 0.
  measure(bench, "exception", [] {
    expectInvalidOpcode();
    cpu::undefinedInstruction();
  });
}

// With interrupts off, waits long enough that the next timer interrupt is pending.
void waitForPendingTick(uint64_t periodCycles) {
  uint64_t start = cpu::readTimestamp();
  while (cpu::readTimestamp() - start < 2 * periodCycles)
    asm volatile("" ::: "memory");
}

// A pending timer interrupt taken as soon as sti allows: delivery, the handler (with its
// EOI) and iretq, until the code after sti sees the tick. Some platforms deliver only at
// their next exit, so the code polls for the tick instead of assuming a fixed window.
void measureTimerInterrupt(const Bench &bench, uint64_t periodCycles) {
  uint64_t total = 0;
  uint64_t delivered = 0;
  for (uint64_t iteration = 0; iteration < bench.irqIterations; ++iteration) {
    waitForPendingTick(periodCycles);
    uint64_t ticks = timerTicks();
    uint64_t start = cpu::readTimestamp();
    cpu::enableInterrupts();
    for (unsigned spin = 0; spin < 1000000 && timerTicks() == ticks; ++spin)
      asm volatile("pause" ::: "memory");
    cpu::disableInterrupts();
    total += cpu::readTimestamp() - start;
    delivered += timerTicks() - ticks;
  }
  if (delivered < bench.irqIterations)
    print("bench: timer_irq: only %lu of %lu interrupts arrived\n", (unsigned long)delivered,
          (unsigned long)bench.irqIterations);
  report("timer_irq", total / (bench.irqIterations ? bench.irqIterations : 1), bench.irqIterations);
}

// hlt until the timer fires; cost = from the handler's TSC read to the code after hlt.
void measureHaltWakeup(const Bench &bench) {
  uint64_t total = 0;
  for (uint64_t iteration = 0; iteration < bench.irqIterations; ++iteration) {
    cpu::enableInterruptsAndHalt();
    uint64_t woken = cpu::readTimestamp();
    cpu::disableInterrupts();
    uint64_t handled = lastTickTimestamp();
    total += woken > handled ? woken - handled : 0;
  }
  report("hlt_wakeup", total / (bench.irqIterations ? bench.irqIterations : 1),
         bench.irqIterations);
}

void measureInterrupts(const Bench &bench) {
  uint64_t tscHz = platform().tscHz;
  if (tscHz == 0 || bench.hertz == 0) {
    print("bench: no TSC frequency; interrupt round trips skipped\n");
    return;
  }
  startTimer(bench.hertz);
  waitTicks(1);
  measureTimerInterrupt(bench, tscHz / bench.hertz);
  waitTicks(1);
  measureHaltWakeup(bench);
  stopTimer();
}

} // namespace

bool sample_main() {
  const CommandLine &options = platform().commandLine;
  Bench bench{};
  bench.iterations = options.number("iterations", 2000);
  bench.irqIterations = options.number("irq_iterations", 20);
  bench.hertz = (uint32_t)options.number("hz", 1000);
  bench.rounds = options.number("rounds", 4);
  if (bench.rounds == 0 || bench.rounds > bench.iterations)
    bench.rounds = bench.iterations ? bench.iterations : 1;
  bench.perRound = bench.iterations / bench.rounds;
  bench.emptyLoopCycles = measureEmptyLoop(bench);
  print("bench: wedge=%s tsc_khz=%lu iterations=%lu rounds=%lu irq_iterations=%lu\n",
        platform().wedge, (unsigned long)(platform().tscHz / 1000),
        (unsigned long)(bench.perRound * bench.rounds), (unsigned long)bench.rounds,
        (unsigned long)bench.irqIterations);
  measureInstructions(bench);
  measureInterrupts(bench);
  print("bench: done\n");
  return true;
}
