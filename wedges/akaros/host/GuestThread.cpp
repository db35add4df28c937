// GuestThread.cpp: see GuestThread.h. The exit handlers are Akaros's
// handle_vmexit (user/vmm/vmexit.c) on KVM's exit reasons.
#include "GuestThread.h"

#include "Failure.h"
#include "GuestMemory.h"
#include "KvmInterface.h"
#include "StrictDecoder.h"
#include "VirtualMachine.h"

#include "akaros_abi.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstring>

namespace afterburner::akaros {
namespace {

// Akaros's initial guest state (kern/arch/x86/vmm/intel/vmx.c).
constexpr uint64_t kCr0 = 0x80010033; // PG|WP|NE|ET|MP|PE
constexpr uint64_t kCr4Pae = 1u << 5, kCr4Pge = 1u << 7, kCr4Osfxsr = 1u << 9,
                   kCr4Osxmmexcpt = 1u << 10, kCr4Fsgsbase = 1u << 16, kCr4Osxsave = 1u << 18;
constexpr uint64_t kCr4Akaros =
    kCr4Pae | kCr4Pge | kCr4Osfxsr | kCr4Osxmmexcpt | kCr4Fsgsbase | kCr4Osxsave;
constexpr uint64_t kCr4Minimal = kCr4Pae | kCr4Osfxsr | kCr4Osxmmexcpt;
constexpr uint64_t kEfer = 0xd01; // SCE|LME|LMA|NX
constexpr uint64_t kRflagsReserved = 0x2;
constexpr uint64_t kApicBaseBsp = 0xfee00d00, kApicBaseAp = 0xfee00c00;
constexpr uint32_t kExitReasonVmcall = 18; // VMX basic exit reason, for the trapframe
constexpr uint64_t kLow4kPage = 0;
constexpr uint64_t kIoapicPage = 0xfec00000;

kvm_segment segment(uint8_t type, bool code) {
  kvm_segment s{};
  s.base = 0;
  s.limit = 0xffffffff;
  s.selector = 0; // Akaros loads selector 0 with cached attributes: no GDT at all
  s.type = type;
  s.present = 1;
  s.s = 1;
  s.g = 1;
  s.l = code ? 1 : 0;
  s.db = code ? 0 : 1;
  return s;
}

void noteSignal(int) {}

void installKickHandler() {
  static bool installed = [] {
    struct sigaction action {};
    action.sa_handler = noteSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, nullptr); // no SA_RESTART: KVM_RUN returns EINTR
    return true;
  }();
  (void)installed;
}

VmTrapframe frameFromRegisters(const kvm_regs &regs, uint64_t cr3, unsigned id) {
  VmTrapframe frame{};
  frame.rax = regs.rax, frame.rbx = regs.rbx, frame.rcx = regs.rcx, frame.rdx = regs.rdx;
  frame.rbp = regs.rbp, frame.rsi = regs.rsi, frame.rdi = regs.rdi;
  frame.r8 = regs.r8, frame.r9 = regs.r9, frame.r10 = regs.r10, frame.r11 = regs.r11;
  frame.r12 = regs.r12, frame.r13 = regs.r13, frame.r14 = regs.r14, frame.r15 = regs.r15;
  frame.rip = regs.rip, frame.rflags = regs.rflags, frame.rsp = regs.rsp;
  frame.cr3 = cr3;
  frame.guestPcoreId = id;
  frame.exitReason = kExitReasonVmcall;
  return frame;
}

kvm_regs registersFromFrame(const VmTrapframe &frame) {
  kvm_regs regs{};
  regs.rax = frame.rax, regs.rbx = frame.rbx, regs.rcx = frame.rcx, regs.rdx = frame.rdx;
  regs.rbp = frame.rbp, regs.rsi = frame.rsi, regs.rdi = frame.rdi;
  regs.r8 = frame.r8, regs.r9 = frame.r9, regs.r10 = frame.r10, regs.r11 = frame.r11;
  regs.r12 = frame.r12, regs.r13 = frame.r13, regs.r14 = frame.r14, regs.r15 = frame.r15;
  regs.rip = frame.rip, regs.rflags = frame.rflags, regs.rsp = frame.rsp;
  return regs;
}

// Reads guest bytes at a guest-virtual address through the guest's tables.
bool readGuest(uint64_t cr3, uint64_t address, uint8_t *out, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    uint64_t physical = 0;
    if (!GuestMemory::translate(cr3, address + i, physical) ||
        !GuestMemory::readPhysical(physical, &out[i], 1))
      return false;
  }
  return true;
}

const char *exitName(uint32_t reason) {
  switch (reason) {
  case KVM_EXIT_SHUTDOWN:
    return "triple fault (KVM_EXIT_SHUTDOWN): a guest exception without an IDT";
  case KVM_EXIT_FAIL_ENTRY:
    return "VM entry failed";
  case KVM_EXIT_INTERNAL_ERROR:
    return "KVM internal error (emulation failure)";
  case KVM_EXIT_HLT:
    return "HLT reached user space";
  case KVM_EXIT_SYSTEM_EVENT:
    return "system event";
  default:
    return "unhandled exit";
  }
}

} // namespace

GuestThread::GuestThread(VirtualMachine &vm, unsigned id) : vm_(vm), id_(id) {
  installKickHandler();
  fd_ = ioctl(vm.vmDescriptor(), KVM_CREATE_VCPU, id);
  if (fd_ < 0)
    failStop("vthread host: KVM_CREATE_VCPU %u: %s", id, std::strerror(errno));
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  long runSize = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  close(kvm);
  void *run = mmap(nullptr, runSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (run == MAP_FAILED)
    failStop("vthread host: mmap of kvm_run: %s", std::strerror(errno));
  run_ = static_cast<kvm_run *>(run);
  statsFd_ = ioctl(fd_, KVM_GET_STATS_FD, 0);
  worker_ = std::thread([this] { workerLoop(); });
}

GuestThread::~GuestThread() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  stopping_ = true;
  wake_.notify_all();
  // A kick can land just before the worker re-enters KVM_RUN: repeat until it is out.
  while (!workerDone_) {
    kick();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  worker_.join();
  if (statsFd_ >= 0)
    close(statsFd_);
  close(fd_);
}

// The binary stats layout (Documentation/virt/kvm/api.rst, KVM_GET_STATS_FD),
// parsed by offsets: struct kvm_stats_desc ends in a flexible array, which g++ sizes
// differently from C.
std::map<std::string, uint64_t> GuestThread::kernelCounters() const {
  std::map<std::string, uint64_t> counters;
  kvm_stats_header header{};
  if (statsFd_ < 0 || pread(statsFd_, &header, sizeof header, 0) != sizeof header)
    return counters;
  constexpr size_t kDescriptorHeader = 16; // flags, exponent, size, offset, bucket_size
  const size_t descriptorBytes = kDescriptorHeader + header.name_size;
  std::vector<char> descriptors(descriptorBytes * header.num_desc);
  if (pread(statsFd_, descriptors.data(), descriptors.size(), header.desc_offset) !=
      static_cast<ssize_t>(descriptors.size()))
    return counters;
  for (uint32_t i = 0; i < header.num_desc; ++i) {
    const char *descriptor = descriptors.data() + i * descriptorBytes;
    uint32_t offset;
    uint16_t size;
    std::memcpy(&size, descriptor + 6, sizeof size);
    std::memcpy(&offset, descriptor + 8, sizeof offset);
    uint64_t value = 0;
    if (size >= 1 && pread(statsFd_, &value, sizeof value, header.data_offset + offset) == 8)
      counters[std::string(descriptor + kDescriptorHeader,
                           strnlen(descriptor + kDescriptorHeader, header.name_size))] = value;
  }
  return counters;
}

void GuestThread::setCpuid(const std::vector<kvm_cpuid_entry2> &table) {
  std::vector<uint8_t> buffer(kvm::kHeaderBytes + table.size() * sizeof(kvm_cpuid_entry2));
  *reinterpret_cast<uint32_t *>(buffer.data()) = static_cast<uint32_t>(table.size());
  std::memcpy(buffer.data() + kvm::kHeaderBytes, table.data(),
              table.size() * sizeof(kvm_cpuid_entry2));
  if (ioctl(fd_, kvm::kSetCpuid2, buffer.data()) != 0)
    failStop("vthread host: KVM_SET_CPUID2: %s", std::strerror(errno));
}

uint64_t GuestThread::tscKilohertz() {
  long khz = ioctl(fd_, KVM_GET_TSC_KHZ, 0);
  return khz > 0 ? static_cast<uint64_t>(khz) : 0;
}

void GuestThread::start(Vthread *vthread, uint64_t rip, uint64_t rsp, uint64_t rdi, uint64_t cr3) {
  // The state is loaded here, before the vthread is visible to anyone: an interrupt
  // sent right after vthread_create (vmm_interrupt_guest) must not be lost to the
  // LAPIC reset below. The pcore is parked, so its vCPU is not in KVM_RUN.
  loadInitialState({vthread, rip, rsp, rdi, cr3});
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = {vthread, rip, rsp, rdi, cr3};
    assigned_ = true;
  }
  wake_.notify_all();
}

void GuestThread::exitVthread(void *returnValue) {
  finishing_ = true;
  returnValue_ = returnValue;
}

void GuestThread::kick() {
  run_->immediate_exit = 1;
  if (worker_.joinable())
    pthread_kill(worker_.native_handle(), SIGUSR1);
}

void GuestThread::workerLoop() {
  workerLoopUntilStopped();
  workerDone_ = true;
}

void GuestThread::workerLoopUntilStopped() {
  for (;;) {
    StartState state;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return assigned_ || stop_; });
      if (stop_)
        return;
      state = pending_;
      assigned_ = false;
    }
    runVthread(state);
  }
}

void GuestThread::runVthread(const StartState &state) {
  finishing_ = false;
  returnValue_ = nullptr;
  for (;;) {
    if ((vm_.shutDownRequested() && !finishing_) || stopping_)
      break;
    run_->immediate_exit = 0;
    if (ioctl(fd_, KVM_RUN, 0) != 0) {
      if ((errno == EINTR || errno == EAGAIN) && vm_.failStopReason())
        failStopWithState(vm_.failStopReason());
      if (errno == EINTR || errno == EAGAIN)
        continue;
      failStop("vthread host: KVM_RUN on pcore %u: %s", id_, std::strerror(errno));
    }
    ++exits_;
    if (handleExit() == Outcome::Finished)
      break;
  }
  vm_.parkGuestThread(this);
  vm_.finishVthread(state.vthread, returnValue_);
}

void GuestThread::loadInitialState(const StartState &state) {
  setInitialSpecialRegisters(state.cr3);
  kvm_regs regs{};
  regs.rip = state.rip;
  regs.rsp = state.rsp;
  regs.rdi = state.rdi;
  regs.rflags = kRflagsReserved; // IF = 0: vthreads start with interrupts off
  if (ioctl(fd_, KVM_SET_REGS, &regs) != 0)
    failStop("vthread host: KVM_SET_REGS: %s", std::strerror(errno));
  setInitialMsrs();
  // With the LAPIC in the kernel, KVM parks every vCPU but the BSP in
  // wait-for-SIPI; Akaros starts each guest pcore directly.
  kvm_mp_state runnable{KVM_MP_STATE_RUNNABLE};
  if (ioctl(fd_, KVM_SET_MP_STATE, &runnable) != 0)
    failStop("vthread host: KVM_SET_MP_STATE: %s", std::strerror(errno));
}

void GuestThread::setInitialSpecialRegisters(uint64_t cr3) {
  kvm_sregs sregs{};
  if (ioctl(fd_, KVM_GET_SREGS, &sregs) != 0)
    failStop("vthread host: KVM_GET_SREGS: %s", std::strerror(errno));
  sregs.cs = segment(0xb, true);
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = segment(0x3, false);
  sregs.tr = segment(0xb, false);
  sregs.tr.s = 0;
  sregs.tr.limit = 0xff;
  sregs.tr.g = 0;
  sregs.ldt = kvm_segment{};
  sregs.ldt.type = 2;
  sregs.ldt.present = 1;
  sregs.gdt = {0, 0, {}};
  sregs.idt = {0, 0, {}};
  sregs.cr0 = kCr0;
  sregs.cr3 = cr3;
  sregs.efer = kEfer;
  sregs.cr4 = kCr4Akaros;
  if (ioctl(fd_, KVM_SET_SREGS, &sregs) == 0)
    return;
  // Where KVM refuses part of Akaros's CR4 (this host's emulated vCPU), keep
  // the bits long mode and SSE need.
  sregs.cr4 = kCr4Minimal;
  if (ioctl(fd_, KVM_SET_SREGS, &sregs) != 0)
    failStop("vthread host: KVM_SET_SREGS (long mode, CR4 0x%llx): %s",
             static_cast<unsigned long long>(sregs.cr4), std::strerror(errno));
}

void GuestThread::setInitialMsrs() {
  const uint32_t indices[] = {msr::kApicBase, msr::kStar,         msr::kLstar,
                              msr::kSfmask,   msr::kKernelGsBase, msr::kTimeStampCounter};
  constexpr unsigned kCount = sizeof indices / sizeof indices[0];
  std::vector<uint8_t> buffer(kvm::kHeaderBytes + kCount * sizeof(kvm_msr_entry));
  *reinterpret_cast<uint32_t *>(buffer.data()) = kCount;
  auto *entries = reinterpret_cast<kvm_msr_entry *>(buffer.data() + kvm::kHeaderBytes);
  for (unsigned i = 0; i < kCount; ++i)
    entries[i].index = indices[i];
  entries[0].data = id_ == 0 ? kApicBaseBsp : kApicBaseAp;
  // Akaros runs guests with TSC offset 0: a vthread reads the host's TSC.
  entries[kCount - 1].data = __rdtsc();
  if (ioctl(fd_, kvm::kSetMsrs, buffer.data()) != static_cast<int>(kCount))
    failStop("vthread host: KVM_SET_MSRS (APICBASE x2APIC, syscall MSRs, TSC) failed");
  // Akaros's vAPIC is usable from the first instruction: enable the LAPIC in SVR.
  kvm_lapic_state lapic{};
  if (ioctl(fd_, KVM_GET_LAPIC, &lapic) != 0)
    failStop("vthread host: KVM_GET_LAPIC: %s", std::strerror(errno));
  uint32_t spurious;
  std::memcpy(&spurious, &lapic.regs[0xf0], 4);
  spurious |= 0x1ff;
  std::memcpy(&lapic.regs[0xf0], &spurious, 4);
  if (ioctl(fd_, KVM_SET_LAPIC, &lapic) != 0)
    failStop("vthread host: KVM_SET_LAPIC: %s", std::strerror(errno));
}

GuestThread::Outcome GuestThread::handleExit() {
  switch (run_->exit_reason) {
  case KVM_EXIT_IO:
    return handlePortIo();
  case KVM_EXIT_MMIO:
    return handleMmio();
  case KVM_EXIT_X86_RDMSR:
    handleMsr(false);
    return Outcome::Continue;
  case KVM_EXIT_X86_WRMSR:
    handleMsr(true);
    return Outcome::Continue;
  case KVM_EXIT_INTR:
    return Outcome::Continue;
  default:
    failStopWithState(exitName(run_->exit_reason));
  }
}

GuestThread::Outcome GuestThread::handlePortIo() {
  auto &io = run_->io;
  const bool out = io.direction == KVM_EXIT_IO_OUT;
  if (vm_.options().strict)
    checkStrictPortIo();
  if (out && io.size == 1 && io.port == vm_.options().tunnelPort && io.count == 1)
    return handleVmcall();
  vm_.countExit([](ExitStatistics &s) { ++s.portIo; });
  auto *data = reinterpret_cast<uint8_t *>(run_) + io.data_offset;
  for (uint32_t i = 0; i < io.count; ++i, data += io.size) {
    uint32_t value = 0;
    if (!out) {
      value = portIo_.read(io.port, io.size);
      std::memcpy(data, &value, io.size);
      continue;
    }
    std::memcpy(&value, data, io.size);
    if (portIo_.write(io.port, io.size, value) == PortIo::WriteOutcome::Reset) {
      vm_.requestShutdown(); // Akaros: outb 0xcf9 with bit 2 exits the VMM
      exitVthread(nullptr);
      return Outcome::Finished;
    }
  }
  return Outcome::Continue;
}

void GuestThread::checkStrictPortIo() {
  kvm_sregs sregs{};
  kvm_regs regs{};
  ioctl(fd_, KVM_GET_SREGS, &sregs);
  ioctl(fd_, KVM_GET_REGS, &regs);
  PortIoExit exit;
  exit.in = run_->io.direction == KVM_EXIT_IO_IN;
  exit.size = run_->io.size;
  exit.port = run_->io.port;
  exit.dx = static_cast<uint16_t>(regs.rdx);
  exit.count = run_->io.count;
  if (!readGuest(sregs.cr3, regs.rip - 3, exit.before, 3) ||
      !readGuest(sregs.cr3, regs.rip, exit.at, sizeof exit.at))
    failStopWithState("strict: cannot read the port-I/O instruction bytes");
  std::string why = checkPortIoEncoding(exit);
  if (!why.empty())
    failStopWithState(("strict: Akaros's VMM would die here: " + why).c_str());
}

GuestThread::Outcome GuestThread::handleVmcall() {
  kvm_regs regs{};
  kvm_sregs sregs{};
  if (ioctl(fd_, KVM_GET_REGS, &regs) != 0 || ioctl(fd_, KVM_GET_SREGS, &sregs) != 0)
    failStop("vthread host: reading registers at a vmcall: %s", std::strerror(errno));
  VmTrapframe frame = frameFromRegisters(regs, sregs.cr3, id_);
  frame.cr2 = sregs.cr2;
  const unsigned number = static_cast<unsigned>(frame.rax);
  vm_.countExit([number](ExitStatistics &s) { ++s.vmcalls[number]; });
  const VmcallHandler &handler = vm_.vmcall_;
  bool handled =
      handler ? handler(*this, frame) : VirtualMachine::defaultVmcallHandler(*this, frame);
  if (!handled) {
    char why[96];
    std::snprintf(why, sizeof why, "vmm: handle_vmexit failed! (vmcall %u not handled)", number);
    failStopWithState(why);
  }
  kvm_regs updated = registersFromFrame(frame);
  if (ioctl(fd_, KVM_SET_REGS, &updated) != 0)
    failStop("vthread host: KVM_SET_REGS after a vmcall: %s", std::strerror(errno));
  return finishing_ ? Outcome::Finished : Outcome::Continue;
}

// Akaros's decode.c re-reads the instruction of every MMIO exit (KVM leaves rip on
// it until the access completes) and dies on forms it does not know.
void GuestThread::checkStrictMmio() {
  kvm_sregs sregs{};
  kvm_regs regs{};
  ioctl(fd_, KVM_GET_SREGS, &sregs);
  ioctl(fd_, KVM_GET_REGS, &regs);
  uint8_t bytes[15];
  if (!readGuest(sregs.cr3, regs.rip, bytes, sizeof bytes))
    failStopWithState("strict: cannot read the MMIO instruction bytes");
  std::string why = checkMmioEncoding(bytes, sizeof bytes);
  if (!why.empty())
    failStopWithState(("strict: Akaros's VMM would die here: " + why).c_str());
}

GuestThread::Outcome GuestThread::handleMmio() {
  auto &mmio = run_->mmio;
  vm_.countExit([](ExitStatistics &s) { ++s.mmio; });
  if (vm_.options().strict)
    checkStrictMmio();
  const uint64_t page = mmio.phys_addr & ~0xfffull;
  if (page == kLow4kPage && !mmio.is_write) {
    // Akaros's low4k: all ones except 0x40e/0x40f (no EBDA pointer).
    for (uint32_t i = 0; i < mmio.len; ++i) {
      uint64_t at = mmio.phys_addr + i;
      mmio.data[i] = (at == 0x40e || at == 0x40f) ? 0 : 0xff;
    }
    return Outcome::Continue;
  }
  if (page == kLow4kPage || page == kIoapicPage) {
    if (!mmio.is_write)
      std::memset(mmio.data, 0xff, sizeof mmio.data); // no IOAPIC devices in this VMM
    return Outcome::Continue;
  }
  char why[128];
  std::snprintf(why, sizeof why, "EPT violation: can't handle %s of %u bytes at GPA 0x%llx",
                mmio.is_write ? "write" : "read", mmio.len,
                static_cast<unsigned long long>(mmio.phys_addr));
  failStopWithState(why);
}

void GuestThread::handleMsr(bool write) {
  auto &access = run_->msr;
  vm_.countExit([write](ExitStatistics &s) { ++(write ? s.msrWrite : s.msrRead); });
  if (write) {
    access.error = msrs_.write(access.index, access.data) ? 0 : 1;
    return;
  }
  auto value = msrs_.read(access.index);
  access.error = value ? 0 : 1; // 1: KVM injects #GP, as Akaros does
  access.data = value.value_or(0);
}

void GuestThread::dumpState(std::FILE *stream) {
  kvm_regs regs{};
  kvm_sregs sregs{};
  ioctl(fd_, KVM_GET_REGS, &regs);
  ioctl(fd_, KVM_GET_SREGS, &sregs);
  VmTrapframe frame = frameFromRegisters(regs, sregs.cr3, id_);
  frame.cr2 = sregs.cr2;
  printTrapframe(stream, frame);
  std::fprintf(stream, "  cr0 0x%llx cr4 0x%llx efer 0x%llx cs.l %u idt.limit %u\n",
               static_cast<unsigned long long>(sregs.cr0),
               static_cast<unsigned long long>(sregs.cr4),
               static_cast<unsigned long long>(sregs.efer), sregs.cs.l, sregs.idt.limit);
  uint8_t bytes[16];
  if (readGuest(sregs.cr3, regs.rip, bytes, sizeof bytes)) {
    std::fprintf(stream, "  bytes at rip:");
    for (uint8_t byte : bytes)
      std::fprintf(stream, " %02x", byte);
    std::fprintf(stream, "\n");
  }
}

void GuestThread::failStopWithState(const char *why) {
  vm_.drainConsoleRing();
  std::fflush(stdout);
  std::fprintf(stderr, "vthread host: guest pcore %u: %s\n", id_, why);
  dumpState(stderr);
  failStop("vthread host: fail-stop after %llu exits", static_cast<unsigned long long>(exits_));
}

} // namespace afterburner::akaros
