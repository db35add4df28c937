// io_routes.h: which code handles a port access in the port I/O entries (io_x86_64.S).
// routeOf is the pure rule (tested hosted); io_routes.cpp turns it into the constant
// tables of the byte table path, indexed by the port's high and low byte with no compare
// (the fast paths never touch the flags), and into siteEntryAfterFirstCall.
#pragma once

#include <stdint.h>

#include <afterburner/site_abi.h>

#include "console_buffer.h"
#include "uart_model.h"

namespace afterburner::xen {

enum class PortDirection : uint8_t { In, Out };

enum class PortRoute : uint8_t {
  Full,  // afterburner_xen_port_io through the full entry: everything not below
  Delay, // port 0x80, the classic I/O delay: writes ignored, reads 0xff
  Uart,  // a COM1 register, byte access: the model's state, read or written in place
};

constexpr uint16_t DelayPort = 0x80;

// Only byte accesses have fast routes (a 16-bit access to COM1 spans two registers).
constexpr bool fastWidth(unsigned width) {
  return width == 1;
}

// Byte accesses to COM1 and the delay port take a fast path; every other port and every
// wider access the full one.
constexpr PortRoute routeOf(uint16_t port, unsigned width) {
  if (!fastWidth(width))
    return PortRoute::Full;
  if (port >= UartModel::Base && port < UartModel::Base + 8)
    return PortRoute::Uart;
  if (port == DelayPort)
    return PortRoute::Delay;
  return PortRoute::Full;
}

// The entry a CALL-form in/out site should call from its second run on, given its record
// and the port in dx at its first run (ignored for the imm8 forms): see io_x86_64.S.
const void *siteEntryAfterFirstCall(const afterburner_site &site, uint16_t dxPort);
// The entry of a dx-form byte site whose stub saw another port: the byte table path.
const void *siteEntryAfterStubMiss(const afterburner_site &site);

// Points the CALL-form site that returns to returnAddress (wedge_abi.h section 2) at
// entry: its call's rel32 is the 4 bytes before R. The loader wrote the kernel's text with
// plain stores, so the wedge can too; one vCPU (README, Other limits), so no other CPU can
// be running the site while its displacement changes. Anything but the loader's call
// opcode there is left alone (the site keeps its entry).
void retargetSite(uintptr_t returnAddress, const void *entry);

} // namespace afterburner::xen

extern "C" {
// What io_x86_64.S's fast paths touch in place: COM1's model (io.cpp) and the console line
// (console.cpp); and the flush a THR byte at a newline or a full line asks for (io.cpp).
extern afterburner::xen::UartModel afterburner_xen_uart;
extern afterburner::xen::ConsoleBuffer afterburner_xen_console;
void afterburner_xen_console_flush();
// The entry every in/out site starts with (the loader's), and the full path.
extern const char afterburner_xen_site_port_io_first[], afterburner_xen_site_port_io[];
}
