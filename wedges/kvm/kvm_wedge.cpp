// kvm_wedge.cpp: the KVM wedge: detection, set-up and the per-op policy table.
//
// Under KVM the kernel runs in VMX/SVM guest mode, so almost every sensitive
// instruction already does the right thing; what costs is the VM exit. The table
// therefore puts the native instruction back (NATIVE) wherever the hardware
// virtualizes it, and routes only the ops that can avoid exits to site calls:
//   in/out/outs -> port_router.h (COM1 output batched per line and sent through a
//                  virtio console when QEMU has one (virtio_console.h), else one
//                  rep outsb per line; PIT from kvmclock; PIC masks; io_delay
//                  dropped with KVM_FEATURE_NOP_IO_DELAY)
//   cpuid       -> cpuid_cache.h (leaves that cannot change answered from memory,
//                  leaves 7 and 0xd with the CR4/XCR0 bits they report read live)
// hlt stays native (idling must exit), and so do rdmsr/wrmsr: no PV MSR replaces
// what the samples use. PV EOI is not used: it retires local-APIC interrupts, and
// the kernels this wedge runs take their timer through the 8259.
//
// Priority (detect()): 10 on a host with KVM's CPUID signature. The Akaros vthread
// host shows the same signature plus leaf 0x40000100 "AKAROSINSIDE"; its wedge
// returns more than 10 there and wins. 0 everywhere else (bare metal, TCG, Xen).
#include "entries.h"
#include "hardware.h"
#include "kvm_interface.h"
#include "kvmclock.h"
#include "virtio_console.h"
#include "wedge_state.h"

#include <afterburner/common/entry.h>
#include <afterburner/common/wedge_table.h>
#include <afterburner/loader.h>
#include <afterburner/wedge_abi.h>

namespace afterburner::kvm {
namespace {

constexpr int Priority = 10;
constexpr uint64_t IdentityMappedLimit = 1ull << 32;

PortRouter router;
CpuidCache cache;
PortHardware realHardware;
alignas(64) volatile PvclockTimeInfo clockRecord;
VirtioConsole virtioConsole;
alignas(4096) uint8_t virtioMemory[VirtioConsole::MemoryBytes];
// What init() learnt, for the device set-up at the first port access.
bool physicalEqualsVirtual;
uint32_t kvmFeatures;
bool devicesStarted;

bool hasSignature(const CpuidResult &result) {
  return result.ebx == SignatureEbx && result.ecx == SignatureEcx && result.edx == SignatureEdx;
}

uint64_t kvmclockNow() {
  PvclockTimeInfo copy;
  if (!pvclockSnapshot(clockRecord, copy))
    return 0;
  return pvclockNanoseconds(copy, hardware::readTimestamp());
}

// kvmclock and the virtio ring take guest-PHYSICAL addresses; the wedge only knows
// its virtual ones, so both are used only where the two agree: code linked below
// 4 GiB and entered by Multiboot, which the kernels identity-map. (A higher-half
// kernel keeps the PIT and the UART as they are rather than let KVM or QEMU write
// elsewhere.)
bool identityMapped(const afterburner_boot_info *boot) {
  const uintptr_t highest = reinterpret_cast<uintptr_t>(virtioMemory + sizeof virtioMemory);
  return boot && boot->entry_kind == AFTERBURNER_ENTRY_MULTIBOOT && highest < IdentityMappedLimit &&
         reinterpret_cast<uintptr_t>(&clockRecord) < IdentityMappedLimit;
}

void virtioWrite(uint16_t port, const uint8_t *bytes, size_t count) {
  virtioConsole.write(bytes, count);
  if (!virtioConsole.started()) // the device stopped: the UART still works
    hardware::portOutBytes(port, bytes, count);
}

void virtioDrain() {
  virtioConsole.drain();
}

// Sends console lines through a virtio console when QEMU has one (one notify per
// line instead of one exit per byte).
void startVirtioConsole() {
  if (!physicalEqualsVirtual || !virtioConsole.start(&realHardware, virtioMemory))
    return;
  realHardware.outBytes = virtioWrite;
  realHardware.drain = virtioDrain;
}

// Registers clockRecord with KVM (see identityMapped).
bool enableKvmclock(uint32_t features) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(&clockRecord);
  if (!physicalEqualsVirtual)
    return false;
  uint32_t msr = 0;
  if (features & FeatureClocksource2)
    msr = MsrSystemTimeNew;
  else if (features & FeatureClocksource)
    msr = MsrSystemTimeOld;
  if (msr == 0)
    return false;
  hardware::writeMsr(msr, address | SystemTimeEnable);
  PvclockTimeInfo copy;
  if (pvclockSnapshot(clockRecord, copy) && copy.version != 0 && copy.tscToSystemMul != 0)
    return true;
  hardware::writeMsr(msr, 0);
  return false;
}

int detect(const afterburner_boot_info *) {
  return hasSignature(hardware::cpuid(SignatureLeaf, 0)) ? Priority : 0;
}

int init(const afterburner_boot_info *boot) {
  // The two hypervisor leaves are read now anyway: they seed the cpuid cache.
  const CpuidResult signature = hardware::cpuid(SignatureLeaf, 0);
  if (!hasSignature(signature))
    return 1;
  cache.remember(SignatureLeaf, 0, ControlState{}, signature);
  const CpuidResult features = hardware::cpuid(FeaturesLeaf, 0);
  cache.remember(FeaturesLeaf, 0, ControlState{}, features);
  kvmFeatures = features.eax;
  physicalEqualsVirtual = identityMapped(boot);
  devicesStarted = false;
  realHardware.in = hardware::portIn;
  realHardware.out = hardware::portOut;
  realHardware.outBytes = hardware::portOutBytes;
  realHardware.drain = nullptr;
  realHardware.nowNanoseconds = nullptr;
  router.reset(&realHardware, (kvmFeatures & FeatureNopIoDelay) != 0);
  if (boot)
    afterburner_common_set_console(boot->console_write); // the unimplemented message
  return 0;
}

} // namespace

// kvmclock and the virtio console are set up at the first port access a patched
// site makes, not in init(): the loader also runs init() when patching is disabled
// (afterburner=off), and such a boot must leave the devices to the kernel.
void startDevices() {
  if (devicesStarted)
    return;
  devicesStarted = true;
  if (enableKvmclock(kvmFeatures))
    realHardware.nowNanoseconds = kvmclockNow;
  startVirtioConsole();
}

PortRouter &portRouter() {
  return router;
}
CpuidCache &cpuidCache() {
  return cache;
}

} // namespace afterburner::kvm

// The site handlers: wedges/common trampolines around entries.cpp. Their entry
// symbols are local to this object, so the table must be built here.
AFTERBURNER_SITE_HANDLER(kvmPortInEntry, frame, site) {
  afterburner::kvm::portIn(*frame, *site);
}
AFTERBURNER_SITE_HANDLER(kvmPortOutEntry, frame, site) {
  afterburner::kvm::portOut(*frame, *site);
}
AFTERBURNER_SITE_HANDLER(kvmStringOutEntry, frame, site) {
  afterburner::kvm::stringOut(*frame, *site);
}
AFTERBURNER_SITE_HANDLER(kvmCpuidEntry, frame, site) {
  afterburner::kvm::cpuid(*frame);
}

namespace afterburner::kvm {
namespace {

// Everything the hardware virtualizes runs as assembled; the ops that can avoid
// exits become site calls. Ops that are NATIVE: cli, sti, pushf, popf, hlt,
// mov cr/dr, descriptor-table and segment ops, rdmsr/wrmsr, rdtsc, invlpg, iret,
// swapgs, ins (input has nothing to batch), the annotated page-table stores (the MMU walks
// the kernel's own tables: the plain store is right), ...
constexpr afterburner_wedge makeKvmWedge() {
  return common::WedgeBuilder("kvm", detect, init)
      .allNative()
      .call(AFTERBURNER_OP_in_imm, kvmPortInEntry)
      .call(AFTERBURNER_OP_in_dx, kvmPortInEntry)
      .call(AFTERBURNER_OP_out_imm, kvmPortOutEntry)
      .call(AFTERBURNER_OP_out_dx, kvmPortOutEntry)
      .call(AFTERBURNER_OP_outs, kvmStringOutEntry)
      .call(AFTERBURNER_OP_cpuid, kvmCpuidEntry)
      .table();
}

} // namespace
} // namespace afterburner::kvm

// extern "C" constexpr: C linkage, external, constant-initialized (no constructor).
extern "C" constexpr afterburner_wedge afterburner_wedge_kvm = afterburner::kvm::makeKvmWedge();
