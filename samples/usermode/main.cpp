// usermode: a bare-metal kernel that runs a user program in ring 3, the way a small OS
// does: its own GDT with user segments and a TSS whose rsp0 is the kernel stack (ltr),
// an IDT with a DPL-3 gate for int $0x80 (copied from the kernel's with sidt), page
// tables with a user mapping (U bit) of one code and one stack page, the SYSCALL MSRs
// (EFER.SCE, STAR, LSTAR, FMASK), then iretq into ring 3 (moving rsp0 to a second kernel
// stack after the first trap, as a thread switch would). The user program (user.S) makes
// system calls that return with sysretq, traps with int $0x80 and ud2 (both return to
// ring 3 with iretq), prints a line through a system call, waits in ring 3 for timer
// interrupts, reads kernel memory (which must fault) and exits with a system call; every
// round trip is checked on both sides.
// Prints one results line and SUCCESS.
//
// On every platform the same ELF: under Xen PV the wedge turns the ring transitions into
// Xen's (wedges/xen/README.md, "User mode").
#include "../common/cpu.h"
#include "../common/descriptors.h"
#include "../common/kernel.h"

using namespace kernel;

namespace {

constexpr uint16_t SelectorKernelCode = 0x08;
constexpr uint16_t SelectorKernelData = 0x10;
constexpr uint16_t SelectorUserBase = 0x18 | 3; // STAR[63:48]: user data = +8, user code = +16
constexpr uint16_t SelectorUserData = 0x20 | 3;
constexpr uint16_t SelectorUserCode = 0x28 | 3;
constexpr uint16_t SelectorTss = 0x30;
constexpr unsigned TrapVector = 0x80;
constexpr unsigned VectorInvalidOpcode = 6;
constexpr unsigned VectorGeneralProtection = 13;
constexpr unsigned VectorPageFault = 14;
constexpr uint64_t FaultStatus = 0x100; // exit status of a program ended by fault N: 0x100 + N
constexpr unsigned IdtEntries = 256;

constexpr uint32_t MsrStar = 0xc0000081;
constexpr uint32_t MsrLstar = 0xc0000082;
constexpr uint32_t MsrSyscallMask = 0xc0000084;
constexpr uint64_t EferSyscallEnable = 1u << 0;
// SYSCALL clears TF, DF, IF, IOPL, NT and AC, as Linux's FMASK does.
constexpr uint64_t SyscallMask = 0x47700;

constexpr uint64_t SysEcho = 1, SysWrite = 2, SysExit = 3, SysTicks = 4;
constexpr uint32_t TimerHertz = 200;
constexpr unsigned EchoCalls = 3;
// The user program's steps (user.S keeps the current one in r8).
constexpr uint64_t StepTrap = 1, StepInvalidOpcode = 2, StepKernelRead = 6;

// The user pages: PML4 slot 1 (512 GiB), far from the kernel's identity map.
constexpr uintptr_t UserBase = 0x8000000000ull;
constexpr uintptr_t UserCode = UserBase;
constexpr uintptr_t UserStack = UserBase + 0x1000;
constexpr uint64_t PagePresent = 1u << 0, PageWritable = 1u << 1, PageUser = 1u << 2;
constexpr unsigned Entries = 512;

} // namespace

extern "C" {
// user.S
uint64_t usermode_enter(uintptr_t entry, uintptr_t stack);
[[noreturn]] void usermode_leave(uint64_t status);
extern const char usermode_syscall_entry[];
extern const char usermode_trap_entry[];
extern const char usermode_invalid_opcode_entry[];
extern const char usermode_general_protection_entry[];
extern const char usermode_page_fault_entry[];
extern uint64_t usermode_kernel_invalid_opcode; // the kernel's own handlers
extern uint64_t usermode_kernel_general_protection;
extern uint64_t usermode_kernel_page_fault;
extern const char usermode_user_program[];
extern const char usermode_user_program_end[];

// What usermode_syscall_entry saves, lowest address first.
struct SyscallFrame {
  uint64_t rax, r9, r8, r10, rdx, rsi, rdi, r11, rcx, rsp;
};
// What usermode's exception entries save, then what the CPU pushed.
struct ExceptionFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, errorCode;
  uint64_t rip, cs, rflags, rsp, ss;
};

void usermode_syscall(SyscallFrame *frame);
void usermode_exception(ExceptionFrame *frame);

// user.S reads rsp0 from here, as a bare-metal syscall entry does.
alignas(16) TaskState usermode_task_state;
}

namespace {

alignas(16) uint64_t gdt[8];
alignas(16) GateDescriptor idt[IdtEntries];
// Two kernel stacks, as two threads would have: the kernel moves rsp0 from the first to
// the second (a plain store, as a context switch does) after the first int $0x80.
alignas(16) uint8_t kernelStacks[2][8192];
volatile unsigned currentStack = 0;
alignas(16) uint8_t doubleFaultStack[4096];
alignas(4096) uint64_t pml4[Entries];
alignas(4096) uint64_t userPdpt[Entries];
alignas(4096) uint64_t userPd[Entries];
alignas(4096) uint64_t userPt[Entries];
alignas(4096) uint8_t userStackPage[4096];

struct Counters {
  unsigned echoes, echoErrors, writes, traps, trapErrors, invalidOpcodes, kernelReads;
  uint64_t echoTimestamps[EchoCalls]; // TSC at each echo: consecutive ones time a round trip
  char written[64];
};
volatile Counters counters;

bool inUserPages(uint64_t address) {
  return address >= UserBase && address < UserBase + 0x2000;
}
uint64_t stackTop(unsigned stack) {
  return (uint64_t)(kernelStacks[stack] + sizeof kernelStacks[stack]);
}

// On the stack rsp0 names now: where the CPU put the frame of an entry from ring 3.
bool onKernelStack(const void *address) {
  const uint8_t *stack = kernelStacks[currentStack];
  return (const uint8_t *)address >= stack &&
         (const uint8_t *)address < stack + sizeof kernelStacks[0];
}

// Kernel code and data stay at the selectors the kernel's gates and handlers use.
void loadDescriptors() {
  usermode_task_state.stackPointers[0] = stackTop(0);
  usermode_task_state.interruptStacks[0] = (uint64_t)(doubleFaultStack + sizeof doubleFaultStack);
  usermode_task_state.ioMapBase = sizeof(TaskState);
  gdt[0] = 0;
  gdt[1] = segmentDescriptor(true, 0, true);
  gdt[2] = segmentDescriptor(false, 0, false);
  gdt[3] = segmentDescriptor(true, 3, false); // 32-bit user code: SYSRET's base, unused
  gdt[4] = segmentDescriptor(false, 3, false);
  gdt[5] = segmentDescriptor(true, 3, true);
  gdt[6] = tssDescriptorLow((uint64_t)&usermode_task_state, sizeof(TaskState) - 1);
  gdt[7] = (uint64_t)&usermode_task_state >> 32;
  loadGlobalDescriptors(gdt, sizeof gdt, SelectorKernelCode, SelectorKernelData, SelectorTss);
}

uint64_t gateHandler(const GateDescriptor &gate) {
  return uint64_t(gate.offsetLow) | uint64_t(gate.offsetMiddle) << 16 |
         uint64_t(gate.offsetHigh) << 32;
}

void setGate(unsigned vector, const void *handler, uint8_t typeAttributes) {
  GateDescriptor &gate = idt[vector];
  uintptr_t address = (uintptr_t)handler;
  gate.offsetLow = uint16_t(address);
  gate.selector = SelectorKernelCode;
  gate.interruptStack = 0;
  gate.typeAttributes = typeAttributes;
  gate.offsetMiddle = uint16_t(address >> 16);
  gate.offsetHigh = uint32_t(address >> 32);
  gate.reserved = 0;
}

// The kernel's gates (sidt), plus int $0x80 callable from ring 3 and #UD/#GP/#PF gates
// for the user program (faults in the kernel go on to the kernel's own handlers).
void loadInterruptTable() {
  TablePointer current{};
  asm volatile("sidt %0" : "=m"(current)::"memory");
  size_t bytes = size_t(current.limit) + 1;
  if (bytes > sizeof idt)
    bytes = sizeof idt;
  __builtin_memcpy(idt, (const void *)current.base, bytes);
  usermode_kernel_invalid_opcode = gateHandler(idt[VectorInvalidOpcode]);
  usermode_kernel_general_protection = gateHandler(idt[VectorGeneralProtection]);
  usermode_kernel_page_fault = gateHandler(idt[VectorPageFault]);
  setGate(VectorInvalidOpcode, usermode_invalid_opcode_entry, 0x8e);
  setGate(VectorGeneralProtection, usermode_general_protection_entry, 0x8e);
  setGate(VectorPageFault, usermode_page_fault_entry, 0x8e);
  setGate(TrapVector, usermode_trap_entry, 0xee); // present, DPL 3, 64-bit interrupt gate
  TablePointer pointer{sizeof idt - 1, (uint64_t)idt};
  asm volatile("lidt %0" ::"m"(pointer) : "memory");
}

uint64_t tableEntry(const void *table, uint64_t flags) {
  return (uint64_t)(uintptr_t)table | flags;
}

// A new PML4: the kernel's mappings (its entries copied) and, in slot 1, the user pages.
void mapUserPages() {
  const uint64_t *current = (const uint64_t *)(uintptr_t)(cpu::readCr3() & ~0xfffull);
  for (unsigned index = 0; index < Entries; ++index)
    pml4[index] = current[index];
  const uint64_t userTable = PagePresent | PageWritable | PageUser;
  pml4[(UserBase >> 39) & 511] = tableEntry(userPdpt, userTable);
  userPdpt[(UserBase >> 30) & 511] = tableEntry(userPd, userTable);
  userPd[(UserBase >> 21) & 511] = tableEntry(userPt, userTable);
  userPt[(UserCode >> 12) & 511] = tableEntry(usermode_user_program, PagePresent | PageUser);
  userPt[(UserStack >> 12) & 511] = tableEntry(userStackPage, userTable);
  cpu::writeCr3((uint64_t)(uintptr_t)pml4);
}

void programSyscall() {
  cpu::writeMsr(cpu::MsrEfer, cpu::readMsr(cpu::MsrEfer) | EferSyscallEnable);
  cpu::writeMsr(MsrStar, uint64_t(SelectorUserBase) << 48 | uint64_t(SelectorKernelCode) << 32);
  cpu::writeMsr(MsrLstar, (uint64_t)(uintptr_t)usermode_syscall_entry);
  cpu::writeMsr(MsrSyscallMask, SyscallMask);
}

// The fastest of the back-to-back echo calls: sysretq, a few user instructions, syscall.
void printRoundTrip() {
  uint64_t best = ~0ull;
  for (unsigned index = 1; index < EchoCalls && index < counters.echoes; ++index) {
    uint64_t cycles = counters.echoTimestamps[index] - counters.echoTimestamps[index - 1];
    best = cycles < best ? cycles : best;
  }
  uint64_t megahertz = platform().tscHz / 1000000;
  if (best == ~0ull || !megahertz)
    return;
  print("usermode: system call round trip %lu cycles (%lu ns)\n", (unsigned long)best,
        (unsigned long)(best * 1000 / megahertz));
}

const char *verdict(bool ok) {
  return ok ? "ok" : "FAIL";
}

} // namespace

// SYSCALL from ring 3: rcx/r11 hold the user's rip/rflags, the stack is the TSS's rsp0.
extern "C" void usermode_syscall(SyscallFrame *frame) {
  bool fromUser = inUserPages(frame->rcx) && inUserPages(frame->rsp - 1) &&
                  (frame->r11 & cpu::FlagInterrupt) && onKernelStack(frame);
  if (frame->rax == SysEcho) {
    if (counters.echoes < EchoCalls)
      counters.echoTimestamps[counters.echoes] = cpu::readTimestamp();
    counters.echoes = counters.echoes + 1;
    if (!fromUser || frame->rdx != 0x77 || frame->r10 != 0x88)
      counters.echoErrors = counters.echoErrors + 1;
    frame->rax = frame->rdi ^ frame->rsi;
    return;
  }
  if (frame->rax == SysWrite) {
    size_t length = frame->rsi < sizeof counters.written ? frame->rsi : sizeof counters.written - 1;
    if (!fromUser || !inUserPages(frame->rdi) || !inUserPages(frame->rdi + length)) {
      frame->rax = uint64_t(-1);
      return;
    }
    for (size_t index = 0; index < length; ++index)
      counters.written[index] = ((const volatile char *)frame->rdi)[index];
    counters.written[length] = '\0';
    counters.writes = counters.writes + 1;
    frame->rax = length;
    return;
  }
  if (frame->rax == SysTicks) {
    frame->rax = timerTicks();
    return;
  }
  if (frame->rax == SysExit)
    usermode_leave(fromUser ? frame->rdi : 100 + frame->rdi);
  frame->rax = uint64_t(-1);
}

namespace {

// int $0x80 from ring 3: adds one to rax, on the rsp0 stack, returning with iretq.
void addOne(ExceptionFrame &frame) {
  counters.traps = counters.traps + 1;
  if ((frame.cs & 3) != 3 || !inUserPages(frame.rip) || !onKernelStack(&frame))
    counters.trapErrors = counters.trapErrors + 1;
  frame.rax += 1;
  currentStack = 1; // the next entry from ring 3 must arrive on the second stack
  usermode_task_state.stackPointers[0] = stackTop(1);
}

// A fault the user program cannot survive: says what happened and ends the program with
// 0x100 + vector. A SYSCALL that reaches LSTAR still in ring 3 is a platform that does
// not switch rings on SYSCALL (this host's KVM: samples/README.md, "usermode").
[[noreturn]] void endProgram(const ExceptionFrame &frame) {
  uint64_t address = frame.vector == VectorPageFault ? cpu::readCr2() : 0;
  print("usermode: exception %lu from ring 3 in step %lu: rip=0x%lx error=0x%lx "
        "address=0x%lx\n",
        (unsigned long)frame.vector, (unsigned long)frame.r8, (unsigned long)frame.rip,
        (unsigned long)frame.errorCode, (unsigned long)address);
  if (frame.vector == VectorInvalidOpcode && frame.r8 == StepTrap)
    print("usermode: int $0x%x from ring 3 raised #UD: this platform does not deliver "
          "software interrupts from ring 3\n",
          TrapVector);
  if (frame.vector == VectorInvalidOpcode && frame.r8 == StepInvalidOpcode &&
      !onKernelStack(&frame))
    print("usermode: the #UD arrived on another stack than the TSS's rsp0 names now\n");
  if (frame.rip == (uintptr_t)usermode_syscall_entry)
    print("usermode: SYSCALL jumped to LSTAR but stayed in ring 3: this platform does not "
          "switch to ring 0 on SYSCALL\n");
  usermode_leave(FaultStatus + frame.vector);
}

} // namespace

extern "C" void usermode_exception(ExceptionFrame *frame) {
  constexpr uint64_t Ud2Length = 2;
  if (frame->vector == TrapVector)
    return addOne(*frame);
  if (frame->vector == VectorInvalidOpcode && frame->r8 == StepInvalidOpcode &&
      inUserPages(frame->rip) && onKernelStack(frame)) {
    counters.invalidOpcodes = counters.invalidOpcodes + 1;
    frame->rip += Ud2Length;
    return;
  }
  // The program's read of kernel memory: a user-mode fault on a present or not-present
  // supervisor page, skipped (movq (%rax), %rdx is 3 bytes).
  constexpr uint64_t FaultUser = 1u << 2, MovLength = 3;
  if (frame->vector == VectorPageFault && frame->r8 == StepKernelRead &&
      (frame->errorCode & FaultUser) && cpu::readCr2() == frame->rax && inUserPages(frame->rip)) {
    counters.kernelReads = counters.kernelReads + 1;
    frame->rip += MovLength;
    return;
  }
  endProgram(*frame);
}

bool sample_main() {
  print("usermode: GDT with user segments, TSS rsp0, int $0x80 gate, user pages at 0x%lx\n",
        (unsigned long)UserBase);
  loadDescriptors();
  loadInterruptTable();
  mapUserPages();
  programSyscall();
  print("usermode: entering ring 3\n");
  uint64_t ticks = timerTicks();
  startTimer(TimerHertz); // its interrupts arrive while the user program runs
  uint64_t status = usermode_enter(UserCode, UserStack + 0x1000);
  stopTimer();
  ticks = timerTicks() - ticks;
  print("usermode: back in the kernel, exit status %lu\n", (unsigned long)status);
  if (counters.writes)
    print("%s\n", (const char *)counters.written);
  printRoundTrip();
  bool syscalls = counters.echoes == EchoCalls && counters.echoErrors == 0;
  bool write = counters.writes == 1;
  bool trap = counters.traps == 1 && counters.trapErrors == 0;
  bool fault = counters.invalidOpcodes == 1;
  bool isolation = counters.kernelReads == 1;
  print("results: usermode int80=%u/%s ud2=%s syscalls=%u sysret=%s write=%s user_ticks=%lu "
        "kernel_read=%s exit=0x%lx\n",
        counters.traps, verdict(trap), verdict(fault), counters.echoes, verdict(syscalls),
        verdict(write), (unsigned long)ticks, isolation ? "faults" : "FAIL", (unsigned long)status);
  return status == 0 && syscalls && write && trap && fault && isolation;
}
