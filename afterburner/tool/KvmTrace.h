// KvmTrace.h: VM exits by reason for `afterburner boot --platform kvm --stats`, counted from
// KVM's tracepoints in a private tracefs instance that follows only the QEMU the launcher
// starts (the method of scripts/kvm-exits.sh).
//
// A VMX/SVM host emits kvm_exit for every exit, with its reason. A host without it (this
// machine's kvm_pvm emulates the guest) is counted from the handlers' tracepoints:
// kvm_pio (one per access, also per iteration of a string instruction), kvm_cpuid,
// kvm_msr, kvm_mmio, kvm_hypercall and kvm_vcpu_wakeup (a hlt that blocked). Exits KVM
// hands to QEMU (kvm_userspace_exit) are a subset, tallied on their own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace afterburner::tool {

// The device behind an I/O port, by the ranges the samples and the KVM wedge use:
// "uart", "pit", "pic", "io_delay", "debug_exit", "pci_config", "fw_cfg", "virtio" or
// "other".
const char *portDevice(unsigned port);

// The device behind a guest-physical MMIO address: "lapic", "ioapic", "hpet" or "other".
const char *mmioDevice(uint64_t address);

// Exit counts by reason, fed one tracefs `trace` line at a time.
class KvmExitTally {
public:
  // Counts one line; comment lines and events that are no exit are ignored.
  void addLine(std::string_view line);

  // Reason -> count. Keys are "category detail...": "pio uart out", "cpuid 0x40000000",
  // "msr read 0x1b", "mmio lapic write", "hlt", "hypercall 0x9", "exit HLT" (kvm_exit).
  const std::map<std::string, uint64_t> &reasons() const { return reasons_; }
  // KVM_EXIT_* reason -> count of exits handed to QEMU (a subset of the total).
  const std::map<std::string, uint64_t> &userspaceExits() const { return userspace_; }
  // True when the host emitted kvm_exit: then those alone make the total, and the
  // handler events only refine it.
  bool sawHardwareExits() const { return hardware_; }
  uint64_t total() const;
  uint64_t userspaceTotal() const;

private:
  void count(const std::string &key) { ++reasons_[key]; }
  void addEvent(std::string_view event, std::string_view arguments);

  std::map<std::string, uint64_t> reasons_;
  std::map<std::string, uint64_t> userspace_;
  bool hardware_ = false;
  std::optional<uint64_t> pendingMmioRead_; // gpa of an "unsatisfied-read"
};

// A private tracefs instance with the KVM exit events on, following this process and
// (event-fork) every child it starts afterwards. Removed when destroyed.
class KvmTraceSession {
public:
  // Creates the instance; on failure returns null and says why in whyNot.
  static std::unique_ptr<KvmTraceSession> start(std::string &whyNot);
  ~KvmTraceSession();
  KvmTraceSession(const KvmTraceSession &) = delete;
  KvmTraceSession &operator=(const KvmTraceSession &) = delete;

  // Stops tracing and counts what was recorded; lostEvents says how many the ring buffer
  // dropped (then the counts are low). False (and error) when the trace cannot be read.
  bool finish(KvmExitTally &tally, uint64_t &lostEvents, std::string &error);

private:
  explicit KvmTraceSession(std::string instance) : instance_(std::move(instance)) {}
  std::string instance_;
};

} // namespace afterburner::tool
