// io.cpp: port I/O sites (in/out, immediate and dx forms). The devices the kernel drives
// are modelled here (COM1's 16550, the PIT, the 8259s); port 0x80 (the classic I/O delay)
// does nothing; everything else, isa-debug-exit included, is done for real: dom0 has
// PHYSDEVOP_set_iopl, so Xen emulates the instruction and performs the access.
#include "hypercall.h"
#include "io_routes.h"
#include "xen_wedge_internal.h"

#include "../common/pit_pic_model.h"

namespace afterburner::xen {
namespace {

using wedge::PicModel;
using wedge::PitModel;

constexpr uint16_t DebugExitPort = 0xf4;

UartModel &uart = afterburner_xen_uart;

uint32_t nativeIn(uint16_t port, unsigned width) {
  uint32_t value = 0;
  if (width == 1)
    asm volatile("inb %w1, %b0" : "=a"(value) : "Nd"(port));
  else if (width == 2)
    asm volatile("inw %w1, %w0" : "=a"(value) : "Nd"(port));
  else
    asm volatile("inl %w1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

void nativeOut(uint16_t port, uint32_t value, unsigned width) {
  if (width == 1)
    asm volatile("outb %b0, %w1" ::"a"(value), "Nd"(port));
  else if (width == 2)
    asm volatile("outw %w0, %w1" ::"a"(value), "Nd"(port));
  else
    asm volatile("outl %0, %w1" ::"a"(value), "Nd"(port));
}

void portWrite(uint16_t port, uint32_t value, unsigned width) {
  if (UartModel::ownsPort(port))
    return uart.write(port, uint8_t(value));
  if (PitModel::ownsPort(port))
    return pitWrite(port, uint8_t(value));
  if (PicModel::ownsPort(port))
    return picWrite(port, uint8_t(value));
  if (port == DelayPort)
    return;
  if (port == DebugExitPort)
    consoleFlush(); // QEMU exits on this write: the console must be out first
  nativeOut(port, value, width);
}

uint32_t portRead(uint16_t port, unsigned width) {
  if (UartModel::ownsPort(port))
    return uart.read(port);
  if (PitModel::ownsPort(port))
    return pitRead(port);
  if (PicModel::ownsPort(port))
    return picRead(port);
  if (port == DelayPort)
    return AFTERBURNER_XEN_DELAY_PORT_VALUE;
  return nativeIn(port, width);
}

} // namespace

void ioInitialize() {
  // Dom0 with virtual IOPL 1: Xen emulates the port accesses the wedge passes through.
  physdev_set_iopl_t iopl{1};
  physdevOp(PHYSDEVOP_set_iopl, &iopl);
}

} // namespace afterburner::xen

using namespace afterburner::xen;

// COM1: io_x86_64.S's fast paths read and write its registers in place (io_routes.h).
UartModel afterburner_xen_uart(consolePut);

void afterburner_xen_console_flush() {
  consoleFlush();
}

// in/out through the full entry (io_x86_64.S): returns rax as the instruction leaves it.
extern "C" uint64_t afterburner_xen_port_io(const afterburner_site *site, uint64_t rax,
                                            uint64_t rdx) {
  const bool immediate = site->op == AFTERBURNER_OP_in_imm || site->op == AFTERBURNER_OP_out_imm;
  const uint16_t port = immediate ? site->immediate : uint16_t(rdx);
  const unsigned width = site->operand_width ? site->operand_width : 1;
  if (site->op == AFTERBURNER_OP_out_imm || site->op == AFTERBURNER_OP_out_dx) {
    portWrite(port, uint32_t(rax), width);
    return rax;
  }
  const uint32_t value = portRead(port, width);
  if (width == 4)
    return value; // a 32-bit write zeroes the upper half
  const uint64_t keep = width == 2 ? ~uint64_t(0xffff) : ~uint64_t(0xff);
  return (rax & keep) | (value & ~keep);
}

// Every in/out site's first run (io_x86_64.S): the access, then the site is pointed at the
// entry its record and port call for, which skips the record and the dispatch from now on.
extern "C" uint64_t afterburner_xen_port_io_first(const afterburner_site *site, uint64_t rax,
                                                  uint64_t rdx, uintptr_t returnAddress) {
  const uint64_t result = afterburner_xen_port_io(site, rax, rdx);
  retargetSite(returnAddress, siteEntryAfterFirstCall(*site, uint16_t(rdx)));
  return result;
}

// A port stub's first miss (io_x86_64.S): the access, then the site serves several ports
// and moves to the byte table path for good.
extern "C" uint64_t afterburner_xen_port_io_megamorphic(const afterburner_site *site, uint64_t rax,
                                                        uint64_t rdx, uintptr_t returnAddress) {
  const uint64_t result = afterburner_xen_port_io(site, rax, rdx);
  retargetSite(returnAddress, siteEntryAfterStubMiss(*site));
  return result;
}
