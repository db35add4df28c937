// GuestThread.h: one guest pcore (Akaros's struct guest_thread): a KVM vCPU, the
// host thread that runs it, and its controller logic (the exit handlers).
#ifndef AFTERBURNER_AKAROS_HOST_GUESTTHREAD_H
#define AFTERBURNER_AKAROS_HOST_GUESTTHREAD_H

#include "MsrTable.h"
#include "PortIo.h"
#include "VmTrapframe.h"

#include <linux/kvm.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace afterburner::akaros {

class VirtualMachine;
class Vthread;

class GuestThread {
public:
  GuestThread(VirtualMachine &vm, unsigned id);
  ~GuestThread();
  GuestThread(const GuestThread &) = delete;
  GuestThread &operator=(const GuestThread &) = delete;

  unsigned id() const { return id_; }
  VirtualMachine &vm() { return vm_; }
  uint64_t exitCount() const { return exits_; }
  void setCpuid(const std::vector<kvm_cpuid_entry2> &table);
  // KVM's own per-vCPU counters (binary stats): exits KVM handled in its kernel
  // (halt_exits, irq_injections, ...), which never reach this VMM. Empty if the
  // kernel has no binary stats.
  std::map<std::string, uint64_t> kernelCounters() const;
  uint64_t tscKilohertz();

  // Makes the pcore run `vthread` from this state (vthread_init_ctx + run).
  void start(Vthread *vthread, uint64_t rip, uint64_t rsp, uint64_t rdi, uint64_t cr3);
  // VTH_VMCALL_EXIT / SHUTDOWN: the vthread ends when the handler returns.
  void exitVthread(void *returnValue);
  // Interrupts KVM_RUN (shutdown of the VM).
  void kick();
  // Writes the architectural state to a stream (fail-stop dumps, TRACE_TF).
  void dumpState(std::FILE *stream);

private:
  enum class Outcome { Continue, Finished };
  struct StartState {
    Vthread *vthread = nullptr;
    uint64_t rip = 0, rsp = 0, rdi = 0, cr3 = 0;
  };

  void workerLoop();
  void workerLoopUntilStopped();
  void runVthread(const StartState &state);
  void loadInitialState(const StartState &state);
  void setInitialSpecialRegisters(uint64_t cr3);
  void setInitialMsrs();
  Outcome handleExit();
  Outcome handlePortIo();
  Outcome handleVmcall();
  Outcome handleMmio();
  void handleMsr(bool write);
  void checkStrictPortIo();
  void checkStrictMmio();
  [[noreturn]] void failStopWithState(const char *why);

  VirtualMachine &vm_;
  unsigned id_;
  int fd_ = -1;
  int statsFd_ = -1;
  kvm_run *run_ = nullptr;
  uint64_t exits_ = 0;
  MsrTable msrs_;
  PortIo portIo_;
  bool finishing_ = false;
  void *returnValue_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool assigned_ = false;
  bool stop_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> workerDone_{false};
  StartState pending_;
  std::thread worker_;
};

} // namespace afterburner::akaros

#endif
