// entries.cpp: what the KVM wedge's site-call handlers do (kvm_wedge.cpp declares
// them with the wedges/common trampolines). Each behaves as the instruction (wedge_abi.h section
// 3): it writes only what the instruction writes.
#include "entries.h"

#include "hardware.h"
#include "register_write.h"
#include "wedge_state.h"

#include <afterburner/common/interrupts_off.h>
#include <afterburner/site_abi.h>

namespace afterburner::kvm {
namespace {

using common::InterruptsOff;

constexpr uint64_t FlagDirection = 1u << 10;

unsigned accessWidth(const afterburner_site &site) {
  return site.operand_width == 2 || site.operand_width == 4 ? site.operand_width : 1;
}

uint16_t portOf(const afterburner_frame &frame, const afterburner_site &site) {
  if (site.op == AFTERBURNER_OP_in_imm || site.op == AFTERBURNER_OP_out_imm)
    return site.immediate;
  return static_cast<uint16_t>(frame.rdx);
}

// outs to the console's data port: the bytes join the line buffer.
void consoleString(afterburner_frame &frame, uint16_t port, uint64_t count, bool repeated) {
  const uint8_t *bytes = reinterpret_cast<const uint8_t *>(frame.rsi);
  UartConsole &console = portRouter().console();
  for (uint64_t index = 0; index < count; ++index)
    console.writeByte(port, bytes[index]);
  frame.rsi += count;
  if (repeated)
    frame.rcx = 0;
}

} // namespace

void portIn(afterburner_frame &frame, const afterburner_site &site) {
  InterruptsOff guard;
  startDevices();
  const unsigned width = accessWidth(site);
  const uint32_t value = portRouter().in(portOf(frame, site), width);
  writeRegister(frame.rax, value, width);
}

void portOut(afterburner_frame &frame, const afterburner_site &site) {
  InterruptsOff guard;
  startDevices();
  portRouter().out(portOf(frame, site), accessWidth(site), static_cast<uint32_t>(frame.rax));
}

// rep outs with the interrupted code's registers. A segment override is ignored: in
// 64-bit mode only fs/gs have a base, and kernels do not write strings through them.
void stringOut(afterburner_frame &frame, const afterburner_site &site) {
  InterruptsOff guard;
  startDevices();
  const unsigned width = accessWidth(site);
  const uint16_t port = static_cast<uint16_t>(frame.rdx);
  const bool repeated = (site.flags & AFTERBURNER_SITE_FLAG_REP) != 0;
  const bool backward = (frame.rflags & FlagDirection) != 0;
  const uint64_t count = repeated ? frame.rcx : 1;
  if (portRouter().takesString(port, width) && !backward) {
    consoleString(frame, port, count, repeated);
    return;
  }
  portRouter().flushConsole();
  hardware::StringIo io{port, width, backward, frame.rsi, count};
  hardware::stringOut(io);
  frame.rsi = io.address;
  if (repeated)
    frame.rcx = io.count;
}

void cpuid(afterburner_frame &frame) {
  InterruptsOff guard;
  const uint32_t leaf = static_cast<uint32_t>(frame.rax);
  const uint32_t subleaf = static_cast<uint32_t>(frame.rcx);
  const ControlState state = needsControlState(leaf) ? hardware::controlState() : ControlState{};
  CpuidResult result;
  if (!cpuidCache().lookup(leaf, subleaf, state, result)) {
    result = hardware::cpuid(leaf, subleaf);
    cpuidCache().remember(leaf, subleaf, state, result);
  }
  frame.rax = result.eax; // 32-bit results zero-extend
  frame.rbx = result.ebx;
  frame.rcx = result.ecx;
  frame.rdx = result.edx;
}

} // namespace afterburner::kvm
