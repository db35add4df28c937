// akaros_wedge.cpp: the Akaros vthread wedge: detection, set-up, the site handlers
// and the per-op policy table.
//
// In Ring V (VMX non-root ring 0) almost every privileged instruction runs natively
// without an exit (mov cr, lgdt/lidt/ltr, cli/sti, pushf/popf, invlpg, swapgs,
// rdtsc, cpuid in Akaros's kernel; the annotated page-table stores, since EPT walks the
// kernel's own tables), so the table starts all NATIVE. The wedge only
// takes over what Akaros's VMM does not have or dies on:
//   in/out/ins/outs -> devices.h (UART model to the console ring or PRINTC, PIT/PIC
//                      on the x2APIC timer, power-off as SHUTDOWN; no port I/O at all)
//   rdmsr/wrmsr     -> msr_policy.h (Akaros's MSR set native, the rest absorbed)
//   wbinvd/invd     -> nothing (WBINVD exits unhandled and kills an Akaros VMM)
//   rdpmc           -> 0 (kills the VMM too)
//   mov cr8         -> the x2APIC TPR (CR8 exits kill the VMM)
// hlt stays native: the PIT is armed as the x2APIC timer, so a halt with IF set wakes.
//
// Hypercalls are Akaros vmcalls (rax = number, rdi = argument). On the Linux/KVM
// stand-in, which cannot receive vmcall, the same registers go through the port-I/O
// tunnel the host advertises in CPUID leaf 0x40000180 (akaros_abi.h).
//
// Priority: 20 where CPUID 0x40000100 says "AKAROSINSIDE" (Akaros also shows KVM's
// signature, for which the KVM wedge returns 10); 0 elsewhere.
#include "akaros_abi.h"
#include "console.h"
#include "devices.h"
#include "msr_policy.h"
#include "platform.h"

#include <afterburner/common/entry.h>
#include <afterburner/common/interrupts_off.h>
#include <afterburner/common/wedge_table.h>
#include <afterburner/loader.h>
#include <afterburner/wedge_abi.h>

namespace afterburner::akaros {
namespace {

using common::InterruptsOff;

constexpr int Priority = 20;
constexpr uint64_t FlagDirection = 1u << 10;

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};

CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid"
               : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
               : "a"(leaf), "c"(subleaf));
  return r;
}

uint64_t tunnelHypercall(uint64_t number, uint64_t argument) {
  asm volatile("outb %%al, %[port]"
               : "+a"(number)
               : [port] "i"(AKAROS_TUNNEL_PORT_DEFAULT), "D"(argument)
               : "memory");
  return number;
}

uint64_t vmcallHypercall(uint64_t number, uint64_t argument) {
  asm volatile("vmcall" : "+a"(number) : "D"(argument) : "memory");
  return number;
}

uint64_t readMsr(uint32_t index) {
  uint32_t low, high;
  asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(index));
  return low | uint64_t(high) << 32;
}

void writeMsr(uint32_t index, uint64_t value) {
  asm volatile("wrmsr" ::"c"(index), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)) : "memory");
}

uint64_t readTimestamp() {
  uint32_t low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return low | uint64_t(high) << 32;
}

Platform platform{vmcallHypercall, readMsr, writeMsr, readTimestamp};
Console console;
DeviceRouter devices;
bool vthreadTable = false; // the block's AKAROS_VTHREAD_FLAG_VTHREAD_TABLE
Platform devicePlatform;   // platform, with SHUTDOWN mapped for the vthread table

bool isAkaros() {
  if (!(cpuid(1).ecx & (1u << 31)))
    return false; // no hypervisor: the 0x4000xxxx leaves are not a signature
  const CpuidResult leaf = cpuid(AKAROS_CPUID_AKAROS_LEAF);
  return leaf.ebx == AKAROS_SIGNATURE_EBX && leaf.ecx == AKAROS_SIGNATURE_ECX &&
         leaf.edx == AKAROS_SIGNATURE_EDX;
}

// 1: the stand-in's tunnel at our port; 0: none (real Akaros: vmcall); -1: a tunnel
// at a port this build cannot reach.
int tunnelState() {
  const CpuidResult leaf = cpuid(AKAROS_CPUID_TUNNEL_LEAF);
  if (leaf.ebx != AKAROS_TUNNEL_SIGNATURE_EBX || leaf.ecx != AKAROS_TUNNEL_SIGNATURE_ECX ||
      leaf.edx != AKAROS_TUNNEL_SIGNATURE_EDX)
    return 0;
  return leaf.eax == AKAROS_TUNNEL_PORT_DEFAULT ? 1 : -1;
}

const akaros_vthread_block *vthreadBlock(const afterburner_boot_info *boot) {
  if (!boot || boot->entry_kind != AFTERBURNER_ENTRY_VTHREAD || !boot->entry_data)
    return nullptr;
  const auto *block = static_cast<const akaros_vthread_block *>(boot->entry_data);
  if (block->magic != AKAROS_VTHREAD_BLOCK_MAGIC || block->version != AKAROS_VTHREAD_BLOCK_VERSION)
    return nullptr;
  return block;
}

void consoleWrite(const char *text, size_t length) {
  InterruptsOff guard;
  console.write(text, length);
}

// Under the vthread table there is no SHUTDOWN: the vthread ends instead.
uint64_t shutDownHypercall(uint64_t number, uint64_t argument) {
  if (vthreadTable && number == AKAROS_VMCALL_SHUTDOWN)
    return platform.hypercall(AKAROS_VTH_VMCALL_EXIT, argument);
  return platform.hypercall(number, argument);
}

void shutDown() {
  shutDownHypercall(AKAROS_VMCALL_SHUTDOWN, 0);
  for (;;)
    asm volatile("hlt");
}

int detect(const afterburner_boot_info *) {
  return isAkaros() ? Priority : 0;
}

int init(const afterburner_boot_info *boot) {
  if (!isAkaros())
    return 1;
  const int tunnel = tunnelState();
  if (tunnel < 0)
    return 2;
  platform.hypercall = tunnel ? tunnelHypercall : vmcallHypercall;
  const akaros_vthread_block *block = vthreadBlock(boot);
  akaros_console_ring *ring = nullptr;
  if (block && (block->flags & AKAROS_VTHREAD_FLAG_CONSOLE_RING))
    ring = block->console_ring;
  vthreadTable = block && (block->flags & AKAROS_VTHREAD_FLAG_VTHREAD_TABLE);
  console.reset(&platform, ring);
  const uint64_t tscKilohertz =
      vthreadTable ? block->tsc_khz : platform.hypercall(AKAROS_VMCALL_GET_TSCFREQ, 0);
  devicePlatform = platform;
  devicePlatform.hypercall = shutDownHypercall;
  devices.reset(&devicePlatform, &console, tscKilohertz);
  afterburner_common_set_console(consoleWrite);
  afterburner_common_set_halt(shutDown);
  return 0;
}

unsigned accessWidth(const afterburner_site &site) {
  return site.operand_width == 2 || site.operand_width == 4 ? site.operand_width : 1;
}

uint16_t portOf(const afterburner_frame &frame, const afterburner_site &site) {
  if (site.op == AFTERBURNER_OP_in_imm || site.op == AFTERBURNER_OP_out_imm)
    return site.immediate;
  return static_cast<uint16_t>(frame.rdx);
}

// in writes al/ax/eax; eax zero-extends into rax, al/ax merge.
void writeAccumulator(uint64_t &rax, uint32_t value, unsigned width) {
  if (width == 4) {
    rax = value;
    return;
  }
  const uint64_t mask = width == 2 ? 0xffffu : 0xffu;
  rax = (rax & ~mask) | (value & mask);
}

void portIn(afterburner_frame &frame, const afterburner_site &site) {
  InterruptsOff guard;
  const unsigned width = accessWidth(site);
  writeAccumulator(frame.rax, devices.in(portOf(frame, site), width), width);
}

void portOut(afterburner_frame &frame, const afterburner_site &site) {
  InterruptsOff guard;
  devices.out(portOf(frame, site), accessWidth(site), static_cast<uint32_t>(frame.rax));
}

// ins/outs with the interrupted code's rsi/rdi/rcx; the segment is flat in 64-bit mode.
void stringIo(afterburner_frame &frame, const afterburner_site &site, bool in) {
  InterruptsOff guard;
  const unsigned width = accessWidth(site);
  const uint16_t port = static_cast<uint16_t>(frame.rdx);
  const bool repeated = site.flags & AFTERBURNER_SITE_FLAG_REP;
  const int64_t step = (frame.rflags & FlagDirection) ? -int64_t(width) : int64_t(width);
  uint64_t count = repeated ? frame.rcx : 1;
  uint64_t &address = in ? frame.rdi : frame.rsi;
  for (; count > 0; --count, address += step) {
    uint32_t value = 0;
    if (in) {
      value = devices.in(port, width);
      __builtin_memcpy(reinterpret_cast<void *>(address), &value, width);
    } else {
      __builtin_memcpy(&value, reinterpret_cast<const void *>(address), width);
      devices.out(port, width, value);
    }
  }
  if (repeated)
    frame.rcx = 0;
}

void rdmsr(afterburner_frame &frame) {
  const uint32_t index = static_cast<uint32_t>(frame.rcx);
  uint64_t value = 0;
  switch (decideMsr(index)) {
  case MsrDecision::Native:
    value = readMsr(index);
    break;
  case MsrDecision::ApicBase:
    value = apicBaseAsSeen(readMsr(index));
    break;
  case MsrDecision::TimeStamp:
    value = readTimestamp();
    break;
  case MsrDecision::Absorb:
    break;
  }
  frame.rax = uint32_t(value);
  frame.rdx = value >> 32;
}

void wrmsr(afterburner_frame &frame) {
  const uint32_t index = static_cast<uint32_t>(frame.rcx);
  if (decideMsr(index) == MsrDecision::Native)
    writeMsr(index, uint32_t(frame.rax) | uint64_t(uint32_t(frame.rdx)) << 32);
}

uint64_t *generalRegister(afterburner_frame &frame, const afterburner_site &site) {
  if (site.operand_form != AFTERBURNER_OPERAND_GPR)
    return nullptr;
  return afterburner_frame_register(&frame, site.base);
}

} // namespace
} // namespace afterburner::akaros

using namespace afterburner::akaros;

AFTERBURNER_SITE_HANDLER(akarosPortInEntry, frame, site) {
  portIn(*frame, *site);
}
AFTERBURNER_SITE_HANDLER(akarosPortOutEntry, frame, site) {
  portOut(*frame, *site);
}
AFTERBURNER_SITE_HANDLER(akarosStringInEntry, frame, site) {
  stringIo(*frame, *site, true);
}
AFTERBURNER_SITE_HANDLER(akarosStringOutEntry, frame, site) {
  stringIo(*frame, *site, false);
}
AFTERBURNER_SITE_HANDLER(akarosRdmsrEntry, frame, site) {
  rdmsr(*frame);
}
AFTERBURNER_SITE_HANDLER(akarosWrmsrEntry, frame, site) {
  wrmsr(*frame);
}
AFTERBURNER_SITE_HANDLER(akarosCacheFlushEntry, frame, site) {} // wbinvd/invd: nothing
AFTERBURNER_SITE_HANDLER(akarosRdpmcEntry, frame, site) {
  frame->rax = 0;
  frame->rdx = 0;
}
AFTERBURNER_SITE_HANDLER(akarosReadCr8Entry, frame, site) {
  if (uint64_t *destination = generalRegister(*frame, *site))
    *destination = (readMsr(X2apicTaskPriority) >> 4) & 0xf;
}
AFTERBURNER_SITE_HANDLER(akarosWriteCr8Entry, frame, site) {
  if (uint64_t *source = generalRegister(*frame, *site))
    writeMsr(X2apicTaskPriority, (*source & 0xf) << 4);
}

namespace afterburner::akaros {
namespace {

constexpr afterburner_wedge makeAkarosWedge() {
  return common::WedgeBuilder("akaros", detect, init)
      .allNative()
      .call(AFTERBURNER_OP_in_imm, akarosPortInEntry)
      .call(AFTERBURNER_OP_in_dx, akarosPortInEntry)
      .call(AFTERBURNER_OP_out_imm, akarosPortOutEntry)
      .call(AFTERBURNER_OP_out_dx, akarosPortOutEntry)
      .call(AFTERBURNER_OP_ins, akarosStringInEntry)
      .call(AFTERBURNER_OP_outs, akarosStringOutEntry)
      .call(AFTERBURNER_OP_rdmsr, akarosRdmsrEntry)
      .call(AFTERBURNER_OP_wrmsr, akarosWrmsrEntry)
      .call(AFTERBURNER_OP_wbinvd, akarosCacheFlushEntry)
      .call(AFTERBURNER_OP_invd, akarosCacheFlushEntry)
      .call(AFTERBURNER_OP_rdpmc, akarosRdpmcEntry)
      .call(AFTERBURNER_OP_read_cr8, akarosReadCr8Entry)
      .call(AFTERBURNER_OP_write_cr8, akarosWriteCr8Entry)
      .table();
}

} // namespace
} // namespace afterburner::akaros

// For vthread code linked with the wedge (akaros_abi.h). Works before and without
// init(): the mechanism is probed once.
extern "C" uint64_t afterburner_akaros_vmcall(uint64_t number, uint64_t arg0, uint64_t arg1,
                                              uint64_t arg2, uint64_t arg3, uint64_t arg4) {
  static int tunnel = -2; // not probed yet
  if (tunnel == -2)
    tunnel = afterburner::akaros::tunnelState();
  register uint64_t r8 asm("r8") = arg4;
  if (tunnel > 0)
    asm volatile("outb %%al, %[port]"
                 : "+a"(number)
                 : [port] "i"(AKAROS_TUNNEL_PORT_DEFAULT), "D"(arg0), "S"(arg1), "d"(arg2),
                   "c"(arg3), "r"(r8)
                 : "memory");
  else
    asm volatile("vmcall"
                 : "+a"(number)
                 : "D"(arg0), "S"(arg1), "d"(arg2), "c"(arg3), "r"(r8)
                 : "memory");
  return number;
}

extern "C" constexpr afterburner_wedge afterburner_wedge_akaros =
    afterburner::akaros::makeAkarosWedge();
