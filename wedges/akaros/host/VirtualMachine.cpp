// VirtualMachine.cpp: see VirtualMachine.h.
#include "VirtualMachine.h"

#include "CpuidTable.h"
#include "Failure.h"
#include "GuestThread.h"
#include "KvmInterface.h"
#include "MsrTable.h"
#include "VmcallTable.h"

#include "akaros_abi.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace afterburner::akaros {
namespace {

// Not in every <linux/kvm.h> this builds against.
constexpr unsigned kCapApicBusCyclesNs = 237;
constexpr unsigned kApicBusCycleNanoseconds = 1000; // Akaros's 1 MHz APIC timer
constexpr size_t kVthreadStackBytes = 64 * 1024;    // Akaros's alloc_stacktop
constexpr unsigned kSplitIrqchipRoutes = 24;

int openKvm() {
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0)
    failStop("vthread host: cannot open /dev/kvm: %s", std::strerror(errno));
  return kvm;
}

void enableCapability(int vm, unsigned capability, uint64_t argument, const char *what) {
  kvm_enable_cap cap{};
  cap.cap = capability;
  cap.args[0] = argument;
  if (ioctl(vm, KVM_ENABLE_CAP, &cap) != 0)
    failStop("vthread host: enabling %s: %s", what, std::strerror(errno));
}

std::vector<kvm_cpuid_entry2> supportedCpuid(int kvm) {
  constexpr unsigned kEntries = 256;
  std::vector<uint8_t> buffer(kvm::kHeaderBytes + kEntries * sizeof(kvm_cpuid_entry2));
  auto *count = reinterpret_cast<uint32_t *>(buffer.data());
  *count = kEntries;
  if (ioctl(kvm, kvm::kGetSupportedCpuid, buffer.data()) != 0)
    failStop("vthread host: KVM_GET_SUPPORTED_CPUID: %s", std::strerror(errno));
  auto *entries = reinterpret_cast<const kvm_cpuid_entry2 *>(buffer.data() + kvm::kHeaderBytes);
  return {entries, entries + *count};
}

// A vthread reaches only memory below the physical limit (2^46), and glibc puts
// every malloc arena but the main one, and every large block, in mmap space near
// 2^47. So a process that links the vthread host keeps its heap in the low brk
// heap: one arena, and mmap only for blocks above the largest threshold glibc takes
// (32 MiB). Done before main(), before any thread can make another arena.
const bool lowHeap = [] {
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  return true;
}();

} // namespace

void printTrapframe(std::FILE *stream, const VmTrapframe &f) {
  std::fprintf(stream,
               "  vm_trapframe of guest pcore %u\n"
               "  rax 0x%016llx rbx 0x%016llx rcx 0x%016llx rdx 0x%016llx\n"
               "  rbp 0x%016llx rsi 0x%016llx rdi 0x%016llx r8  0x%016llx\n"
               "  r9  0x%016llx r10 0x%016llx r11 0x%016llx r12 0x%016llx\n"
               "  r13 0x%016llx r14 0x%016llx r15 0x%016llx\n"
               "  rip 0x%016llx rflags 0x%llx rsp 0x%016llx cr2 0x%llx cr3 0x%llx\n",
               f.guestPcoreId, (unsigned long long)f.rax, (unsigned long long)f.rbx,
               (unsigned long long)f.rcx, (unsigned long long)f.rdx, (unsigned long long)f.rbp,
               (unsigned long long)f.rsi, (unsigned long long)f.rdi, (unsigned long long)f.r8,
               (unsigned long long)f.r9, (unsigned long long)f.r10, (unsigned long long)f.r11,
               (unsigned long long)f.r12, (unsigned long long)f.r13, (unsigned long long)f.r14,
               (unsigned long long)f.r15, (unsigned long long)f.rip, (unsigned long long)f.rflags,
               (unsigned long long)f.rsp, (unsigned long long)f.cr2, (unsigned long long)f.cr3);
}

VirtualMachine::VirtualMachine(VirtualMachineOptions options) : options_(std::move(options)) {
  if (options_.tunnelPort == 0)
    options_.tunnelPort = AKAROS_TUNNEL_PORT_DEFAULT;
  if (options_.physicalAddressBits < 32 || options_.physicalAddressBits > 48)
    failStop("vthread host: physical address bits %u outside 32..48", options_.physicalAddressBits);
  setUpVm();
}

VirtualMachine::~VirtualMachine() {
  threads_.clear(); // joins the workers
  if (drainThread_) {
    draining_ = false;
    drainThread_->join();
  }
  drainConsoleRing();
  memory_.reset();
  close(vm_);
  close(kvm_);
}

void VirtualMachine::setUpVm() {
  kvm_ = openKvm();
  vm_ = ioctl(kvm_, KVM_CREATE_VM, 0);
  if (vm_ < 0)
    failStop("vthread host: KVM_CREATE_VM: %s", std::strerror(errno));
  // The LAPIC in the kernel (x2APIC, timer, EOI without exits); no in-kernel
  // PIC/IOAPIC, so ports 0x20/0x21 reach user space as on Akaros.
  enableCapability(vm_, KVM_CAP_SPLIT_IRQCHIP, kSplitIrqchipRoutes, "KVM_CAP_SPLIT_IRQCHIP");
  if (ioctl(kvm_, KVM_CHECK_EXTENSION, kCapApicBusCyclesNs) > 0)
    enableCapability(vm_, kCapApicBusCyclesNs, kApicBusCycleNanoseconds,
                     "KVM_CAP_X86_APIC_BUS_CYCLES_NS");
  enableCapability(vm_, KVM_CAP_X86_USER_SPACE_MSR,
                   KVM_MSR_EXIT_REASON_INVAL | KVM_MSR_EXIT_REASON_UNKNOWN |
                       KVM_MSR_EXIT_REASON_FILTER,
                   "KVM_CAP_X86_USER_SPACE_MSR");
  setUpMsrFilter();
  memory_ = std::make_unique<GuestMemory>(vm_, options_.physicalAddressBits);
  memory_->synchronize();
  vmcall_ = defaultVmcallHandler;
}

// Deny-by-default, so every MSR outside the set KVM runs in its kernel comes to
// MsrTable, which answers Akaros's emulated MSRs and #GPs the rest.
void VirtualMachine::setUpMsrFilter() {
  static uint8_t allow = 1; // one MSR per range, bit 0 set
  kvm_msr_filter filter{};
  filter.flags = KVM_MSR_FILTER_DEFAULT_DENY;
  unsigned range = 0;
  for (uint32_t index : kernelHandledMsrs()) {
    filter.ranges[range].flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE;
    filter.ranges[range].base = index;
    filter.ranges[range].nmsrs = 1;
    filter.ranges[range].bitmap = &allow;
    ++range;
  }
  if (ioctl(vm_, KVM_X86_SET_MSR_FILTER, &filter) != 0)
    failStop("vthread host: KVM_X86_SET_MSR_FILTER: %s", std::strerror(errno));
}

GuestThread *VirtualMachine::acquireGuestThread() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pool_.parkedCount() == 0 && pool_.count() >= options_.maximumGuestPcores)
    failStop("vthread host: more than %u guest pcores", options_.maximumGuestPcores);
  const PcorePool::Pcore pcore = pool_.acquire();
  if (!pcore.created)
    return threads_[pcore.id].get();
  auto thread = std::make_unique<GuestThread>(*this, pcore.id);
  CpuidConfiguration configuration;
  configuration.vthreadId = pcore.id;
  configuration.guestPcoreCount = pcore.id + 1;
  configuration.physicalAddressBits = options_.physicalAddressBits;
  configuration.tunnelPort = options_.tunnelPort;
  thread->setCpuid(buildAkarosCpuid(supportedCpuid(kvm_), configuration));
  if (pcore.id == 0)
    tscKilohertz_ = thread->tscKilohertz();
  threads_.push_back(std::move(thread));
  return threads_.back().get();
}

void VirtualMachine::prepareGuestPcores(unsigned count) {
  std::vector<GuestThread *> taken; // parked ones first, then new ones
  while (guestPcoreCount() < count)
    taken.push_back(acquireGuestThread());
  for (GuestThread *thread : taken)
    parkGuestThread(thread);
}

Vthread *VirtualMachine::createVthread(void *entry, void *argument) {
  auto *stack = static_cast<uint8_t *>(allocateGuestMemory(kVthreadStackBytes));
  // RSP = the last 8-byte slot, as Akaros's vthread_init_ctx: a call-entry alignment.
  uint64_t top = reinterpret_cast<uint64_t>(stack + kVthreadStackBytes - 8);
  return startGuest(reinterpret_cast<uint64_t>(entry), top, reinterpret_cast<uint64_t>(argument));
}

Vthread *VirtualMachine::startGuest(uint64_t rip, uint64_t rsp, uint64_t rdi, uint64_t cr3) {
  memory_->synchronize(); // memory the host mapped since the last vthread
  GuestThread *thread = acquireGuestThread();
  auto *vthread = new Vthread;
  vthread->vm_ = this;
  vthread->guestPcoreId_ = thread->id();
  thread->start(vthread, rip, rsp, rdi, cr3 ? cr3 : memory_->pageTableRoot());
  return vthread;
}

void VirtualMachine::joinVthread(Vthread *vthread, void **returnValue) {
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, [vthread] { return vthread->finished_; });
  if (returnValue)
    *returnValue = vthread->returnValue_;
  lock.unlock();
  delete vthread;
}

void VirtualMachine::parkGuestThread(GuestThread *thread) {
  std::lock_guard<std::mutex> lock(mutex_);
  pool_.park(thread->id());
}

void VirtualMachine::finishVthread(Vthread *vthread, void *returnValue) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    vthread->finished_ = true;
    vthread->returnValue_ = returnValue;
  }
  finished_.notify_all();
}

void VirtualMachine::requestShutdown() {
  drainConsoleRing();
  shutDown_ = true;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto &thread : threads_)
    thread->kick();
}

void VirtualMachine::failStopAll(const char *reason) {
  failStopReason_ = reason;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto &thread : threads_)
    thread->kick();
}

unsigned VirtualMachine::guestPcoreCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<unsigned>(threads_.size());
}

std::map<std::string, uint64_t> VirtualMachine::kernelCounters() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, uint64_t> sums;
  for (const auto &thread : threads_)
    for (const auto &[name, value] : thread->kernelCounters())
      sums[name] += value;
  return sums;
}

ExitStatistics VirtualMachine::statistics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return statistics_;
}

void VirtualMachine::countExit(const std::function<void(ExitStatistics &)> &update) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++statistics_.total;
  update(statistics_);
}

void VirtualMachine::interruptGuest(unsigned guestPcoreId, unsigned vector) {
  kvm_msi msi{};
  msi.address_lo = 0xfee00000u;
  msi.data = vector & 0xff;
  // x2APIC destinations above 255 would need KVM_MSI_VALID_DEVID-less ext dest.
  msi.address_lo |= (guestPcoreId & 0xff) << 12;
  if (ioctl(vm_, KVM_SIGNAL_MSI, &msi) < 0)
    failStop("vthread host: KVM_SIGNAL_MSI to pcore %u: %s", guestPcoreId, std::strerror(errno));
}

void VirtualMachine::mapRange(const void *start, size_t bytes) {
  uint64_t first = reinterpret_cast<uint64_t>(start);
  memory_->mapRange(first, first + bytes);
}

void VirtualMachine::writeConsole(const char *text, size_t length) {
  if (options_.console)
    options_.console(text, length);
  else
    std::fwrite(text, 1, length, stdout);
}

void VirtualMachine::printCharacter(char character) {
  drainConsoleRing(); // what the guest wrote to the ring comes first
  std::lock_guard<std::mutex> lock(consoleMutex_);
  writeConsole(&character, 1);
}

::akaros_console_ring *VirtualMachine::consoleRing(size_t bytes) {
  std::lock_guard<std::mutex> lock(consoleMutex_);
  if (ring_)
    return ring_;
  ring_ = static_cast<::akaros_console_ring *>(allocateGuestMemory(sizeof *ring_ + bytes));
  ring_->magic = AKAROS_CONSOLE_RING_MAGIC;
  ring_->size = static_cast<uint32_t>(bytes);
  draining_ = true;
  drainThread_ = std::make_unique<std::thread>([this] { drainLoop(); });
  return ring_;
}

void VirtualMachine::drainLoop() {
  while (draining_) {
    drainConsoleRing();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void VirtualMachine::drainConsoleRing() {
  std::lock_guard<std::mutex> lock(consoleMutex_);
  if (!ring_)
    return;
  uint64_t head = __atomic_load_n(&ring_->head, __ATOMIC_ACQUIRE);
  uint64_t tail = ring_->tail;
  while (tail != head) {
    uint64_t offset = tail & (ring_->size - 1);
    uint64_t chunk = std::min<uint64_t>(head - tail, ring_->size - offset);
    writeConsole(ring_->data + offset, chunk);
    tail += chunk;
  }
  __atomic_store_n(&ring_->tail, tail, __ATOMIC_RELEASE);
}

// Carries out one decision of the vmcall tables (VmcallTable.h).
bool VirtualMachine::perform(GuestThread &thread, VmTrapframe &frame,
                             const VmcallDecision &decision) {
  VirtualMachine &vm = thread.vm();
  switch (decision.action) {
  case VmcallAction::Nothing:
    return true;
  case VmcallAction::Print:
    vm.printCharacter(static_cast<char>(decision.argument));
    return true;
  case VmcallAction::StartPcore:
    vm.startGuest(decision.argument, decision.second, 0, frame.cr3);
    return true;
  case VmcallAction::TscFrequency:
    frame.rax = vm.tscKilohertz();
    return true;
  case VmcallAction::Trace: {
    VmTrapframe traced = frame;
    traced.rax = decision.argument;
    printTrapframe(stderr, traced);
    return true;
  }
  case VmcallAction::Shutdown:
    vm.requestShutdown();
    thread.exitVthread(nullptr);
    return true;
  case VmcallAction::ExitVthread:
    thread.exitVthread(reinterpret_cast<void *>(decision.argument));
    return true;
  case VmcallAction::Refuse:
    break;
  }
  return false;
}

bool VirtualMachine::defaultVmcallHandler(GuestThread &thread, VmTrapframe &frame) {
  return perform(thread, frame, decideDefaultVmcall(frame, thread.id()));
}

bool VirtualMachine::vthreadVmcallHandler(GuestThread &thread, VmTrapframe &frame) {
  return perform(thread, frame, decideVthreadVmcall(frame));
}

Vthread *vthread_create(VirtualMachine *vm, void *entry, void *arg) {
  return vm->createVthread(entry, arg);
}

void vthread_join(Vthread *vth, void **retval_loc) {
  vth->vm()->joinVthread(vth, retval_loc);
}

int vmm_interrupt_guest(VirtualMachine *vm, unsigned gpcoreid, unsigned vector) {
  if (vector > 255)
    return -1;
  vm->interruptGuest(gpcoreid, vector);
  return 0;
}

} // namespace afterburner::akaros
