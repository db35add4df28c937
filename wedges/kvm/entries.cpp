// entries.cpp: the site-call handlers behind site_entry.S. Each behaves as the
// instruction (wedge_abi.h section 3): it writes only what the instruction writes.
#include "hardware.h"
#include "site_frame.h"
#include "wedge_state.h"

#include <afterburner/site_abi.h>

using afterburner::kvm::SiteFrame;

namespace afterburner::kvm {
namespace {

unsigned accessWidth(const afterburner_site &site) {
  return site.operand_width == 2 || site.operand_width == 4 ? site.operand_width : 1;
}

uint16_t portOf(const SiteFrame &frame, const afterburner_site &site) {
  if (site.op == AFTERBURNER_OP_in_imm || site.op == AFTERBURNER_OP_out_imm)
    return site.immediate;
  return static_cast<uint16_t>(frame.rdx);
}

// outs to the console's data port: the bytes join the line buffer.
void consoleString(SiteFrame &frame, uint16_t port, uint64_t count, bool repeated) {
  const uint8_t *bytes = reinterpret_cast<const uint8_t *>(frame.rsi);
  UartConsole &console = portRouter().console();
  for (uint64_t index = 0; index < count; ++index)
    console.writeByte(port, bytes[index]);
  frame.rsi += count;
  if (repeated)
    frame.rcx = 0;
}

void writeHex(uint64_t value) {
  for (int shift = 60; shift >= 0; shift -= 4)
    hardware::portOut(UartConsole::Com1, 1, "0123456789abcdef"[(value >> shift) & 0xf]);
}

void writeText(const char *text) {
  while (*text)
    hardware::portOut(UartConsole::Com1, 1, static_cast<uint8_t>(*text++));
}

} // namespace
} // namespace afterburner::kvm

using namespace afterburner::kvm;

extern "C" {

__attribute__((visibility("hidden"))) void
afterburner_kvm_handle_port_in(SiteFrame *frame, const afterburner_site *site) {
  const unsigned width = accessWidth(*site);
  const uint32_t value = portRouter().in(portOf(*frame, *site), width);
  writeRegister(frame->rax, value, width);
}

__attribute__((visibility("hidden"))) void
afterburner_kvm_handle_port_out(SiteFrame *frame, const afterburner_site *site) {
  portRouter().out(portOf(*frame, *site), accessWidth(*site), static_cast<uint32_t>(frame->rax));
}

__attribute__((visibility("hidden"))) void
afterburner_kvm_handle_string_out(SiteFrame *frame, const afterburner_site *site) {
  const unsigned width = accessWidth(*site);
  const uint16_t port = static_cast<uint16_t>(frame->rdx);
  const bool repeated = (site->flags & AFTERBURNER_SITE_FLAG_REP) != 0;
  const bool backward = (frame->flags & FlagDirection) != 0;
  const uint64_t count = repeated ? frame->rcx : 1;
  if (portRouter().takesString(port, width) && !backward) {
    consoleString(*frame, port, count, repeated);
    return;
  }
  portRouter().flushConsole();
  hardware::StringIo io{port, width, backward, frame->rsi, count};
  hardware::stringOut(io);
  frame->rsi = io.address;
  if (repeated)
    frame->rcx = io.count;
}

__attribute__((visibility("hidden"))) void
afterburner_kvm_handle_cpuid(SiteFrame *frame, const afterburner_site *) {
  const uint32_t leaf = static_cast<uint32_t>(frame->rax);
  const uint32_t subleaf = static_cast<uint32_t>(frame->rcx);
  CpuidResult result;
  if (!cpuidCache().lookup(leaf, subleaf, result)) {
    result = hardware::cpuid(leaf, subleaf);
    cpuidCache().remember(leaf, subleaf, result);
  }
  frame->rax = result.eax;
  frame->rbx = result.ebx;
  frame->rcx = result.ecx;
  frame->rdx = result.edx;
}

// Never reached through the table (every op is NATIVE or CALL), but the ABI wants
// an entry: halt naming the op and the site, loudly.
__attribute__((visibility("hidden"), noreturn)) void
afterburner_kvm_handle_unimplemented(SiteFrame *frame, const afterburner_site *site) {
  portRouter().flushConsole();
  writeText("\r\nafterburner: kvm wedge: unimplemented op ");
  writeHex(site->op);
  writeText(" at site 0x");
  writeHex(frame->returnAddress - 5);
  writeText("\r\n");
  for (;;)
    asm volatile("cli; hlt");
}

} // extern "C"
