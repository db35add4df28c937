// io_routes.cpp: where the port I/O entries (io_x86_64.S) send an access. The byte
// table path's constant tables, built at compile time from routeOf (io_routes.h):
//   directory[port >> 8] -> page, page[port & 0xff] -> handler,
// two loads and an indirect jump, no compare (the fast paths keep the flags untouched);
// and siteEntryAfterFirstCall, the entry a site calls once its first run is done.
#include "io_routes.h"

#include <afterburner/site_abi.h>
#include <afterburner/wedge_abi.h>

#include <stddef.h>

namespace afterburner::xen {

static_assert(offsetof(afterburner_site, operand_width) == AFTERBURNER_XEN_SITE_WIDTH);
static_assert(offsetof(afterburner_site, immediate) == AFTERBURNER_XEN_SITE_IMMEDIATE);

} // namespace afterburner::xen

extern "C" {
// io_x86_64.S: the handlers the pages point at (each ends the site like the instruction)
// and the entries a site may be pointed at after its first run.
extern const char afterburner_xen_io_in_dx_any[], afterburner_xen_io_out_dx_any[];
extern const char afterburner_xen_io_in_imm_delay[], afterburner_xen_io_out_imm_delay[];
extern const char afterburner_xen_io_in_dx_delay[], afterburner_xen_io_out_dx_delay[];
extern const char afterburner_xen_io_in_dx_uart0[], afterburner_xen_io_in_dx_uart1[],
    afterburner_xen_io_in_dx_uart2[], afterburner_xen_io_in_dx_uart3[],
    afterburner_xen_io_in_dx_uart4[], afterburner_xen_io_in_dx_uart5[],
    afterburner_xen_io_in_dx_uart6[], afterburner_xen_io_in_dx_uart7[];
extern const char afterburner_xen_io_out_dx_uart0[], afterburner_xen_io_out_dx_uart1[],
    afterburner_xen_io_out_dx_uart2[], afterburner_xen_io_out_dx_uart3[],
    afterburner_xen_io_out_dx_uart4[], afterburner_xen_io_out_dx_uart5[],
    afterburner_xen_io_out_dx_uart6[], afterburner_xen_io_out_dx_uart7[];
extern const char afterburner_xen_io_full[];
extern const char afterburner_xen_io_in_delay[], afterburner_xen_io_out_delay[];
extern const char afterburner_xen_io_in_uart_data[], afterburner_xen_io_in_uart_interrupt_enable[],
    afterburner_xen_io_in_uart_interrupt_identity[], afterburner_xen_io_in_uart_line_control[],
    afterburner_xen_io_in_uart_modem_control[], afterburner_xen_io_in_uart_line_status[],
    afterburner_xen_io_in_uart_modem_status[], afterburner_xen_io_in_uart_scratch[];
extern const char afterburner_xen_io_out_uart_data[],
    afterburner_xen_io_out_uart_interrupt_enable[], afterburner_xen_io_out_uart_ignore[],
    afterburner_xen_io_out_uart_line_control[], afterburner_xen_io_out_uart_modem_control[],
    afterburner_xen_io_out_uart_scratch[];
}

namespace afterburner::xen {

constexpr unsigned PageSize = 256;

struct PortPage {
  const void *handlers[PageSize];
};
struct PortDirectory {
  const PortPage *pages[PageSize];
};

namespace {

constexpr const void *InUart[8] = {afterburner_xen_io_in_uart_data,
                                   afterburner_xen_io_in_uart_interrupt_enable,
                                   afterburner_xen_io_in_uart_interrupt_identity,
                                   afterburner_xen_io_in_uart_line_control,
                                   afterburner_xen_io_in_uart_modem_control,
                                   afterburner_xen_io_in_uart_line_status,
                                   afterburner_xen_io_in_uart_modem_status,
                                   afterburner_xen_io_in_uart_scratch};
// FIFO control, line status and modem status writes change nothing in the model.
constexpr const void *OutUart[8] = {
    afterburner_xen_io_out_uart_data,          afterburner_xen_io_out_uart_interrupt_enable,
    afterburner_xen_io_out_uart_ignore,        afterburner_xen_io_out_uart_line_control,
    afterburner_xen_io_out_uart_modem_control, afterburner_xen_io_out_uart_ignore,
    afterburner_xen_io_out_uart_ignore,        afterburner_xen_io_out_uart_scratch};

constexpr const void *handlerFor(PortDirection direction, uint16_t port) {
  const bool in = direction == PortDirection::In;
  switch (routeOf(port, 1)) {
  case PortRoute::Uart:
    return (in ? InUart : OutUart)[port - UartModel::Base];
  case PortRoute::Delay:
    return in ? afterburner_xen_io_in_delay : afterburner_xen_io_out_delay;
  case PortRoute::Full:
    break;
  }
  return afterburner_xen_io_full;
}

constexpr PortPage makeFullPage() {
  PortPage page{};
  for (unsigned low = 0; low < PageSize; ++low)
    page.handlers[low] = afterburner_xen_io_full;
  return page;
}

constexpr PortPage makeBytePage(PortDirection direction, unsigned high) {
  PortPage page{};
  for (unsigned low = 0; low < PageSize; ++low)
    page.handlers[low] = handlerFor(direction, uint16_t(high << 8 | low));
  return page;
}

constexpr PortPage FullPage = makeFullPage();
// The only port pages with a fast byte route: 0x00xx (the delay port) and 0x03xx (COM1).
constexpr unsigned DelayHigh = DelayPort >> 8, UartHigh = UartModel::Base >> 8;
static_assert(DelayHigh == 0 && UartHigh == 3 && (UartModel::Base & 0xff) <= 0xf8);
constexpr PortPage InPages[2] = {makeBytePage(PortDirection::In, DelayHigh),
                                 makeBytePage(PortDirection::In, UartHigh)};
constexpr PortPage OutPages[2] = {makeBytePage(PortDirection::Out, DelayHigh),
                                  makeBytePage(PortDirection::Out, UartHigh)};

constexpr PortDirectory makeDirectory(const PortPage *pages) {
  PortDirectory directory{};
  for (unsigned high = 0; high < PageSize; ++high)
    directory.pages[high] = &FullPage;
  directory.pages[DelayHigh] = &pages[0];
  directory.pages[UartHigh] = &pages[1];
  return directory;
}

constexpr const void *InDxStubs[8] = {
    afterburner_xen_io_in_dx_uart0, afterburner_xen_io_in_dx_uart1, afterburner_xen_io_in_dx_uart2,
    afterburner_xen_io_in_dx_uart3, afterburner_xen_io_in_dx_uart4, afterburner_xen_io_in_dx_uart5,
    afterburner_xen_io_in_dx_uart6, afterburner_xen_io_in_dx_uart7};
constexpr const void *OutDxStubs[8] = {
    afterburner_xen_io_out_dx_uart0, afterburner_xen_io_out_dx_uart1,
    afterburner_xen_io_out_dx_uart2, afterburner_xen_io_out_dx_uart3,
    afterburner_xen_io_out_dx_uart4, afterburner_xen_io_out_dx_uart5,
    afterburner_xen_io_out_dx_uart6, afterburner_xen_io_out_dx_uart7};

// A dx-form byte site whose first port has a fast route: that port's guarded stub.
const void *dxStub(bool in, PortRoute route, uint16_t port) {
  if (route == PortRoute::Uart)
    return (in ? InDxStubs : OutDxStubs)[port - UartModel::Base];
  return in ? afterburner_xen_io_in_dx_delay : afterburner_xen_io_out_dx_delay;
}

} // namespace
} // namespace afterburner::xen

using namespace afterburner::xen;

extern "C" {
extern const PortDirectory afterburner_xen_in_byte_directory;
extern const PortDirectory afterburner_xen_out_byte_directory;
constexpr PortDirectory afterburner_xen_in_byte_directory = makeDirectory(InPages);
constexpr PortDirectory afterburner_xen_out_byte_directory = makeDirectory(OutPages);
}

namespace afterburner::xen {

const void *siteEntryAfterFirstCall(const afterburner_site &site, uint16_t dxPort) {
  const bool in = site.op == AFTERBURNER_OP_in_imm || site.op == AFTERBURNER_OP_in_dx;
  const bool immediate = site.op == AFTERBURNER_OP_in_imm || site.op == AFTERBURNER_OP_out_imm;
  const uint16_t port = immediate ? site.immediate : dxPort;
  const PortRoute route = routeOf(port, site.operand_width);
  if (immediate) { // the port is part of the instruction: no guard, no table
    if (route == PortRoute::Delay)
      return in ? afterburner_xen_io_in_imm_delay : afterburner_xen_io_out_imm_delay;
    return afterburner_xen_site_port_io;
  }
  if (!fastWidth(site.operand_width))
    return afterburner_xen_site_port_io;
  if (route == PortRoute::Full) // later runs may reach a port with a fast route
    return siteEntryAfterStubMiss(site);
  return dxStub(in, route, port);
}

const void *siteEntryAfterStubMiss(const afterburner_site &site) {
  const bool in = site.op == AFTERBURNER_OP_in_dx;
  return in ? afterburner_xen_io_in_dx_any : afterburner_xen_io_out_dx_any;
}

void retargetSite(uintptr_t returnAddress, const void *entry) {
  auto *call = (uint8_t *)(returnAddress - AFTERBURNER_CALL_LENGTH);
  if (call[0] != AFTERBURNER_CALL_OPCODE)
    return;
  const int32_t displacement = int32_t(uintptr_t(entry) - returnAddress);
  __builtin_memcpy(call + 1, &displacement, sizeof displacement);
}

} // namespace afterburner::xen
