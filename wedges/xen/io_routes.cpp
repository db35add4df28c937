// io_routes.cpp: the constant dispatch tables of the port I/O fast paths (io_x86_64.S),
// built at compile time from routeOf (io_routes.h). For each direction:
//   routes[width] -> directory, directory[port >> 8] -> page, page[port & 0xff] -> handler.
// Three loads and an indirect jump, no compare: the fast paths keep the flags untouched.
#include "io_routes.h"

#include <afterburner/site_abi.h>

#include <stddef.h>

namespace afterburner::xen {

static_assert(offsetof(afterburner_site, operand_width) == AFTERBURNER_XEN_SITE_WIDTH);
static_assert(offsetof(afterburner_site, immediate) == AFTERBURNER_XEN_SITE_IMMEDIATE);

} // namespace afterburner::xen

extern "C" {
// io_x86_64.S: the handlers the pages point at (each ends the site like the instruction).
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
constexpr unsigned WidthCount = 256; // operand_width is a byte: any value indexes safely

struct PortPage {
  const void *handlers[PageSize];
};
struct PortDirectory {
  const PortPage *pages[PageSize];
};
struct PortRoutes {
  const PortDirectory *byWidth[WidthCount];
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
  if (pages) {
    directory.pages[DelayHigh] = &pages[0];
    directory.pages[UartHigh] = &pages[1];
  }
  return directory;
}

constexpr PortDirectory FullDirectory = makeDirectory(nullptr);
constexpr PortDirectory InByteDirectory = makeDirectory(InPages);
constexpr PortDirectory OutByteDirectory = makeDirectory(OutPages);

constexpr PortRoutes makeRoutes(const PortDirectory *bytes) {
  PortRoutes routes{};
  for (unsigned width = 0; width < WidthCount; ++width)
    routes.byWidth[width] = fastWidth(width) ? bytes : &FullDirectory;
  return routes;
}

} // namespace
} // namespace afterburner::xen

using namespace afterburner::xen;

extern "C" {
extern const PortRoutes afterburner_xen_in_routes;
extern const PortRoutes afterburner_xen_out_routes;
constexpr PortRoutes afterburner_xen_in_routes = makeRoutes(&InByteDirectory);
constexpr PortRoutes afterburner_xen_out_routes = makeRoutes(&OutByteDirectory);
}
