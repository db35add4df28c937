// MsrTable.h: the MSRs Akaros lets a guest pcore touch, and how it answers them.
// Akaros passes a few through, emulates a fixed set in its kernel
// (kern/arch/x86/vmm/vmm.c) and injects #GP for everything else. The x2APIC
// range is KVM's in-kernel LAPIC here, as it is Akaros's vAPIC there.
#ifndef AFTERBURNER_AKAROS_HOST_MSRTABLE_H
#define AFTERBURNER_AKAROS_HOST_MSRTABLE_H

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace afterburner::akaros {

namespace msr {
constexpr uint32_t kTimeStampCounter = 0x10;
constexpr uint32_t kApicBase = 0x1b;
constexpr uint32_t kPredCmd = 0x49;
constexpr uint32_t kMicrocodeRevision = 0x8b;
constexpr uint32_t kSysenterCs = 0x174;
constexpr uint32_t kSysenterEsp = 0x175;
constexpr uint32_t kSysenterEip = 0x176;
constexpr uint32_t kMcgCap = 0x179;
constexpr uint32_t kPerfEventSelect0 = 0x186;
constexpr uint32_t kPerfEventSelect1 = 0x187;
constexpr uint32_t kMiscEnable = 0x1a0;
constexpr uint32_t kOffcoreResponse0 = 0x1a6;
constexpr uint32_t kOffcoreResponse1 = 0x1a7;
constexpr uint32_t kEnergyPerfBias = 0x1b0;
constexpr uint32_t kLbrSelect = 0x1c8;
constexpr uint32_t kLbrTopOfStack = 0x1c9;
constexpr uint32_t kDebugControl = 0x1d9;
constexpr uint32_t kPerfCapabilities = 0x345;
constexpr uint32_t kPebsLoadLatency = 0x3f6;
constexpr uint32_t kVmxBasic = 0x480;
constexpr uint32_t kVmxLast = 0x491;
constexpr uint32_t kRaplPowerUnit = 0x606;
constexpr uint32_t kLastBranchFromFirst = 0x680;
constexpr uint32_t kLastBranchFromLast = 0x69f;
constexpr uint32_t kLastBranchToFirst = 0x6c0;
constexpr uint32_t kLastBranchToLast = 0x6df;
constexpr uint32_t kTscDeadline = 0x6e0;
constexpr uint32_t kX2apicFirst = 0x800;
constexpr uint32_t kX2apicLast = 0x8ff;
constexpr uint32_t kEfer = 0xc0000080;
constexpr uint32_t kStar = 0xc0000081;
constexpr uint32_t kLstar = 0xc0000082;
constexpr uint32_t kCstar = 0xc0000083;
constexpr uint32_t kSfmask = 0xc0000084;
constexpr uint32_t kFsBase = 0xc0000100;
constexpr uint32_t kGsBase = 0xc0000101;
constexpr uint32_t kKernelGsBase = 0xc0000102;
constexpr uint32_t kTscAux = 0xc0000103;
} // namespace msr

// Akaros's MISC_ENABLE as a guest reads it: fast strings, BTS and PEBS unavailable.
constexpr uint64_t kAkarosMiscEnable = 0x1801;

// How Akaros handles one MSR.
enum class MsrClass {
  PassThrough, // no exit on Akaros; KVM runs it in the kernel here
  Stored,      // emulated in Akaros's kernel with a per-pcore value
  FakeWrite,   // reads return the value until written; writes are kept, no effect
  ReadZero,    // reads 0, writes #GP
  MiscEnable,  // reads kAkarosMiscEnable; writes must not change it
  Unknown,     // #GP injected: fatal for a guest without an IDT
};

MsrClass classifyAkarosMsr(uint32_t index);

// MSRs KVM must handle in the kernel (the pass-through set, APICBASE, x2APIC);
// every other MSR is filtered to user space and answered by MsrTable.
std::vector<uint32_t> kernelHandledMsrs();

// The user-space half of Akaros's MSR emulation for one guest pcore.
class MsrTable {
public:
  // nullopt: Akaros injects #GP.
  std::optional<uint64_t> read(uint32_t index) const;
  // false: Akaros injects #GP.
  bool write(uint32_t index, uint64_t value);

private:
  std::map<uint32_t, uint64_t> values_;
};

} // namespace afterburner::akaros

#endif
