// VirtualMachine.h: a stand-in for Akaros's VMM 2LS and vthread library
// (user/vmm/) on Linux/KVM. One KVM VM per struct virtual_machine; one vCPU per
// guest pcore, each driven by its own host thread: KVM_RUN returning is Akaros's
// reflected exit, and the code that runs next on that thread is the controller
// (Akaros's "greedy" scheduling mode). Guest-physical == process-virtual.
#ifndef AFTERBURNER_AKAROS_HOST_VIRTUALMACHINE_H
#define AFTERBURNER_AKAROS_HOST_VIRTUALMACHINE_H

#include "GuestMemory.h"
#include "PcorePool.h"
#include "VmTrapframe.h"

#include "akaros_abi.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace afterburner::akaros {

class GuestThread;
class VirtualMachine;

// vm->vmcall: the whole-table override. Returns false for "cannot handle", which
// is fatal (fail-stop), as in Akaros. Handlers never move rip: KVM steps past the
// tunnel's `out` itself (Akaros's handlers add 3 for vmcall).
using VmcallHandler = std::function<bool(GuestThread &, VmTrapframe &)>;

struct VirtualMachineOptions {
  unsigned physicalAddressBits = 46;
  bool strict = false;     // refuse encodings Akaros's VMM cannot decode
  unsigned tunnelPort = 0; // 0: AKAROS_TUNNEL_PORT_DEFAULT
  unsigned maximumGuestPcores = 64;
  // Where PRINTC and the console ring go; default: stdout.
  std::function<void(const char *, size_t)> console;
};

// Exit counts, per VM, by what caused them.
struct ExitStatistics {
  uint64_t total = 0;
  std::map<unsigned, uint64_t> vmcalls; // by vmcall number
  uint64_t portIo = 0;
  uint64_t mmio = 0;
  uint64_t msrRead = 0;
  uint64_t msrWrite = 0;
  uint64_t halt = 0;
  uint64_t other = 0;
};

// Akaros's struct vthread: what vthread_create returns and vthread_join consumes
// (the controller thread a join waits for). The guest pcore it ran on is parked
// for reuse when it exits, as __vthread_exited does.
class Vthread {
public:
  unsigned guestPcoreId() const { return guestPcoreId_; }
  VirtualMachine *vm() const { return vm_; }

private:
  friend class VirtualMachine;
  friend class GuestThread;
  VirtualMachine *vm_ = nullptr;
  unsigned guestPcoreId_ = 0;
  bool finished_ = false;
  void *returnValue_ = nullptr;
};

class VirtualMachine {
public:
  explicit VirtualMachine(VirtualMachineOptions options = {});
  ~VirtualMachine();
  VirtualMachine(const VirtualMachine &) = delete;
  VirtualMachine &operator=(const VirtualMachine &) = delete;

  // Akaros's vthread_create: a parked guest pcore or a new one, RIP = entry,
  // RDI = arg, RSP = top of a fresh 64 KiB stack, RFLAGS = 0x2, CR3 = the root.
  Vthread *createVthread(void *entry, void *argument);
  // Starts a guest pcore at rip/rsp with rdi (SMPBOOT, kernels): no stack is given.
  Vthread *startGuest(uint64_t rip, uint64_t rsp, uint64_t rdi, uint64_t cr3 = 0);
  // Creates guest pcores up to `count` and parks them (Akaros's vmm_init makes its
  // GPCs up front); afterwards tscKilohertz() is known.
  void prepareGuestPcores(unsigned count);
  // Akaros's vthread_join: waits for VTH_VMCALL_EXIT and returns its rdi.
  void joinVthread(Vthread *vthread, void **returnValue);

  // vm->vmcall. The default is Akaros's default VMM table (PRINTC, SMPBOOT,
  // GET_TSCFREQ, TRACE_TF, SHUTDOWN); vthread users install vthreadVmcallHandler.
  void setVmcall(VmcallHandler handler) { vmcall_ = std::move(handler); }
  static bool defaultVmcallHandler(GuestThread &thread, VmTrapframe &frame);
  static bool vthreadVmcallHandler(GuestThread &thread, VmTrapframe &frame);
  // Carries out a decision of VmcallTable.h for `thread` (for chaining handlers).
  static bool perform(GuestThread &thread, VmTrapframe &frame,
                      const struct VmcallDecision &decision);

  // vmm_interrupt_guest: KVM_SIGNAL_MSI to the pcore's x2APIC.
  void interruptGuest(unsigned guestPcoreId, unsigned vector);
  // add_pte_entries: make memory mapped after creation visible to guests.
  void mapRange(const void *start, size_t bytes);
  // Zeroed memory below the physical limit, visible to guests.
  void *allocateGuestMemory(size_t bytes) { return memory_->arena().allocate(bytes); }

  unsigned guestPcoreCount() const;
  // KVM's in-kernel counters summed over every guest pcore (GuestThread::kernelCounters).
  std::map<std::string, uint64_t> kernelCounters() const;
  ExitStatistics statistics() const;
  bool shutDownRequested() const { return shutDown_.load(); }
  // Stops every running guest pcore, which fail-stops with its state dumped (a
  // watchdog's timeout).
  void failStopAll(const char *reason);
  const char *failStopReason() const { return failStopReason_.load(); }
  uint64_t tscKilohertz() const { return tscKilohertz_; }
  const VirtualMachineOptions &options() const { return options_; }
  GuestMemory &memory() { return *memory_; }
  int vmDescriptor() const { return vm_; }

  // Console output, in order: drains the shared ring first.
  void printCharacter(char character);
  void writeConsole(const char *text, size_t length);
  // The console ring guests may write without exits (NULL until created).
  ::akaros_console_ring *consoleRing(size_t bytes = 1 << 16);
  void drainConsoleRing();

private:
  friend class GuestThread;
  GuestThread *acquireGuestThread();
  void parkGuestThread(GuestThread *thread);
  void finishVthread(Vthread *vthread, void *returnValue);
  void requestShutdown();
  void setUpVm();
  void setUpMsrFilter();
  void countExit(const std::function<void(ExitStatistics &)> &update);
  void drainLoop();

  VirtualMachineOptions options_;
  int kvm_ = -1;
  int vm_ = -1;
  size_t runSize_ = 0;
  uint64_t tscKilohertz_ = 0;
  std::unique_ptr<GuestMemory> memory_;
  VmcallHandler vmcall_;
  std::vector<std::unique_ptr<GuestThread>> threads_;
  PcorePool pool_; // threads_[id] is pcore id
  mutable std::mutex mutex_;
  std::condition_variable finished_;
  std::atomic<bool> shutDown_{false};
  std::atomic<const char *> failStopReason_{nullptr};
  ExitStatistics statistics_;
  ::akaros_console_ring *ring_ = nullptr;
  std::mutex consoleMutex_;
  std::atomic<bool> draining_{false};
  std::unique_ptr<std::thread> drainThread_;
};

// Akaros-shaped free functions over the class (user/vmm/include/vmm/vthread.h).
Vthread *vthread_create(VirtualMachine *vm, void *entry, void *arg);
void vthread_join(Vthread *vth, void **retval_loc);
int vmm_interrupt_guest(VirtualMachine *vm, unsigned gpcoreid, unsigned vector);

} // namespace afterburner::akaros

#endif
