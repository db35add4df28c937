// Tests for wedges/xen/io_x86_64.S and io_routes.*: the port I/O entries run on the host
// CPU as patched in/out sites run them: the first-run entry, then whatever entry
// siteEntryAfterFirstCall picks (the host's text is read-only, so the tests run that entry
// instead of letting the wedge retarget the site). Every fast path must answer each COM1
// byte access exactly as UartModel does, keep the flags and every register but the
// instruction's destination, and leave everything else to the full path.
#include "io_routes.h"

#include <afterburner/site_abi.h>
#include <afterburner/wedge_abi.h>

#include <gtest/gtest.h>

#include <cstring>
#include <iterator>
#include <string>

using namespace afterburner::xen;

namespace {

std::string console;
void toConsole(const char *text, size_t length) {
  console.append(text, length);
}
std::string transmitted; // what a reference model was sent
void transmitToString(char byte) {
  transmitted += byte;
}

unsigned fullPathCalls = 0;
unsigned misalignedCalls = 0;          // full-path calls on a stack the ABI would not give C++
constexpr uint8_t FullPathByte = 0xee; // what the stand-in full path reads from any port

} // namespace

extern "C" {
// io_x86_64.S's entries the choices name.
extern const char afterburner_xen_io_in_dx_uart0[], afterburner_xen_io_in_dx_uart5[],
    afterburner_xen_io_in_dx_uart7[], afterburner_xen_io_out_dx_uart0[],
    afterburner_xen_io_out_dx_uart7[], afterburner_xen_io_in_dx_any[],
    afterburner_xen_io_out_dx_any[];
extern afterburner_site harness_io_record;
void harness_io(const void *entry, uint64_t *state);
// irq_harness_x86_64.S's lean-entry harness (IrqEntryTest) names no record.
uint64_t harness_site_port_io(uint64_t flags, uint64_t *rax);

// As in the wedge: COM1's model transmits into the console line the fast paths append to.
void transmitToWedgeConsole(char byte);
UartModel afterburner_xen_uart(transmitToWedgeConsole);
ConsoleBuffer afterburner_xen_console(toConsole);
void transmitToWedgeConsole(char byte) {
  afterburner_xen_console.put(byte);
}
void afterburner_xen_console_flush() {
  afterburner_xen_console.flush();
}

// The full path's C++ half (io.cpp in the wedge): COM1 bytes through the model, every
// other access reads FullPathByte. Clobbers the real flags, as any C++ code may.
uint64_t afterburner_xen_port_io(const afterburner_site *site, uint64_t rax, uint64_t rdx) {
  asm volatile("std; xorl %%eax, %%eax; cld" ::: "eax", "cc");
  // The frame pointer sits 16 bytes below the caller's aligned stack (ABI alignment).
  misalignedCalls += uintptr_t(__builtin_frame_address(0)) % 16 != 0;
  if (site != &harness_io_record) // IrqEntry.PortIoEntryKeepsFlagsAndReturnsRax
    return (rax & ~uint64_t(0xff)) | (rdx == 0x3fd ? 0x60 : 0);
  ++fullPathCalls;
  const bool immediate = site->op == AFTERBURNER_OP_in_imm || site->op == AFTERBURNER_OP_out_imm;
  const uint16_t port = immediate ? site->immediate : uint16_t(rdx);
  const bool com1Byte = UartModel::ownsPort(port) && site->operand_width == 1;
  if (site->op == AFTERBURNER_OP_out_imm || site->op == AFTERBURNER_OP_out_dx) {
    if (com1Byte)
      afterburner_xen_uart.write(port, uint8_t(rax));
    return rax;
  }
  const uint8_t value = com1Byte ? afterburner_xen_uart.read(port) : FullPathByte;
  return (rax & ~uint64_t(0xff)) | value;
}

// The first run's C++ half: the access and the choice of the site's next entry.
const void *chosenEntry = nullptr;
uint64_t firstCallReturnAddress = 0;
uint64_t afterburner_xen_port_io_first(const afterburner_site *site, uint64_t rax, uint64_t rdx,
                                       uint64_t returnAddress) {
  firstCallReturnAddress = returnAddress;
  chosenEntry = siteEntryAfterFirstCall(*site, uint16_t(rdx));
  return afterburner_xen_port_io(site, rax, rdx);
}
// A stub's miss: the access, and the site moves to the table path.
uint64_t afterburner_xen_port_io_megamorphic(const afterburner_site *site, uint64_t rax,
                                             uint64_t rdx, uint64_t) {
  chosenEntry = siteEntryAfterStubMiss(*site);
  return afterburner_xen_port_io(site, rax, rdx);
}
}

namespace {

constexpr uint64_t Arithmetic = 0x8d5; // CF PF AF ZF SF OF
constexpr uint64_t Direction = 0x400;
constexpr uint64_t Reserved = 0x2;
constexpr uint64_t FlagPatterns[] = {0, Arithmetic | Direction, 0x801, 0x44, 0x400 | 0x80};
constexpr uint64_t RaxHigh = 0x1122334455667700;

struct Registers {
  uint64_t flags, rax, rdx, rcx, rsi, rdi, r8;
};

void setRecord(unsigned op, unsigned width, uint16_t immediate = 0) {
  harness_io_record = {};
  harness_io_record.op = uint16_t(op);
  harness_io_record.operand_width = uint8_t(width);
  harness_io_record.immediate = immediate;
}

bool immediateForm(unsigned op) {
  return op == AFTERBURNER_OP_in_imm || op == AFTERBURNER_OP_out_imm;
}

// Runs one site of op through entry and checks the convention: flags and every register
// but rax kept; rax kept too by out, and by in above the width.
Registers run(const void *entry, unsigned op, uint64_t flags, uint64_t rax, uint16_t port,
              unsigned width = 1, uint64_t rdxHigh = 0xabcd000000000000ull) {
  setRecord(op, width, immediateForm(op) ? port : 0);
  const uint64_t rdx = immediateForm(op) ? 0xdead0000beefull : (rdxHigh | port);
  Registers before{flags | Reserved, rax, rdx, 0x1111, 0x2222, 0x3333, 0x4444};
  Registers after = before;
  harness_io(entry, &after.flags);
  EXPECT_EQ(after.flags & (Arithmetic | Direction), flags & (Arithmetic | Direction));
  EXPECT_EQ(after.rdx, before.rdx);
  EXPECT_EQ(after.rcx, before.rcx);
  EXPECT_EQ(after.rsi, before.rsi);
  EXPECT_EQ(after.rdi, before.rdi);
  EXPECT_EQ(after.r8, before.r8);
  const bool out = op == AFTERBURNER_OP_out_dx || op == AFTERBURNER_OP_out_imm;
  if (out) {
    EXPECT_EQ(after.rax, before.rax);
  } else if (width == 1) {
    EXPECT_EQ(after.rax & ~uint64_t(0xff), before.rax & ~uint64_t(0xff));
  }
  return after;
}

// The entry a site of op moves to after a first run at port.
const void *entryAfterFirstRun(unsigned op, uint16_t port, unsigned width = 1) {
  afterburner_site site{};
  site.op = uint16_t(op);
  site.operand_width = uint8_t(width);
  site.immediate = immediateForm(op) ? port : 0;
  return siteEntryAfterFirstCall(site, port);
}

// The ways a dx-form byte site can reach port: its first run, the stub it then calls (a
// hit), the stub of another port (a miss), and the table path.
enum class Way { FirstRun, Stub, OtherPortsStub, Table };
constexpr Way Ways[] = {Way::FirstRun, Way::Stub, Way::OtherPortsStub, Way::Table};

const void *entryFor(Way way, unsigned op, uint16_t port) {
  switch (way) {
  case Way::FirstRun:
    return afterburner_xen_site_port_io_first;
  case Way::Stub:
    return entryAfterFirstRun(op, port);
  case Way::OtherPortsStub:
    return entryAfterFirstRun(op, port == 0x3fd ? 0x3ff : 0x3fd);
  case Way::Table:
    break;
  }
  return entryAfterFirstRun(op, 0x40); // a port without a fast route: the table path
}

uint8_t inByte(uint16_t port, uint64_t flags = 0, Way way = Way::Stub) {
  return uint8_t(
      run(entryFor(way, AFTERBURNER_OP_in_dx, port), AFTERBURNER_OP_in_dx, flags, RaxHigh, port)
          .rax);
}
void outByte(uint16_t port, uint8_t value, uint64_t flags = 0, Way way = Way::Stub) {
  run(entryFor(way, AFTERBURNER_OP_out_dx, port), AFTERBURNER_OP_out_dx, flags, RaxHigh | value,
      port);
}

// Puts the wedge's model and a reference model in the same state (LCR last).
void program(UartModel &reference, uint8_t lineControl) {
  const uint8_t writes[][2] = {{3, 0x80}, {0, 0x0c}, {1, 0x02}, {3, 0x03},
                               {1, 0x05}, {4, 0x0b}, {7, 0x99}, {3, lineControl}};
  for (auto &write : writes) {
    afterburner_xen_uart.write(uint16_t(UartModel::Base + write[0]), write[1]);
    reference.write(uint16_t(UartModel::Base + write[0]), write[1]);
  }
}

} // namespace

TEST(IoRoutes, Com1AndTheDelayPortBytesAreFastTheRestFull) {
  for (unsigned port = 0x3f8; port < 0x400; ++port)
    EXPECT_EQ(routeOf(uint16_t(port), 1), PortRoute::Uart);
  EXPECT_EQ(routeOf(0x80, 1), PortRoute::Delay);
  for (uint16_t port : {0x3f7, 0x400, 0x2f8, 0x7f8, 0xf8, 0x20, 0x21, 0x40, 0x43, 0x61, 0xf4})
    EXPECT_EQ(routeOf(port, 1), PortRoute::Full);
  for (unsigned width : {0u, 2u, 4u}) {
    EXPECT_EQ(routeOf(0x3fd, width), PortRoute::Full);
    EXPECT_EQ(routeOf(0x80, width), PortRoute::Full);
  }
}

TEST(IoRoutes, AFirstRunPicksTheSitesEntry) {
  using Op = unsigned;
  const Op in = AFTERBURNER_OP_in_dx, out = AFTERBURNER_OP_out_dx;
  EXPECT_EQ(entryAfterFirstRun(in, 0x3fd), (const void *)afterburner_xen_io_in_dx_uart5);
  EXPECT_EQ(entryAfterFirstRun(in, 0x3f8), (const void *)afterburner_xen_io_in_dx_uart0);
  EXPECT_EQ(entryAfterFirstRun(out, 0x3f8), (const void *)afterburner_xen_io_out_dx_uart0);
  EXPECT_EQ(entryAfterFirstRun(out, 0x3ff), (const void *)afterburner_xen_io_out_dx_uart7);
  // A dx site may reach other ports later: the byte table path, never the full one.
  EXPECT_EQ(entryAfterFirstRun(in, 0x40), (const void *)afterburner_xen_io_in_dx_any);
  EXPECT_EQ(entryAfterFirstRun(out, 0x2f8), (const void *)afterburner_xen_io_out_dx_any);
  for (unsigned width : {2u, 4u, 0u}) {
    EXPECT_EQ(entryAfterFirstRun(in, 0x3fd, width), (const void *)afterburner_xen_site_port_io);
    EXPECT_EQ(entryAfterFirstRun(out, 0x80, width), (const void *)afterburner_xen_site_port_io);
  }
  // imm8 forms: the port never changes.
  EXPECT_NE(entryAfterFirstRun(AFTERBURNER_OP_in_imm, 0x80),
            (const void *)afterburner_xen_site_port_io);
  EXPECT_EQ(entryAfterFirstRun(AFTERBURNER_OP_in_imm, 0x40),
            (const void *)afterburner_xen_site_port_io);
  EXPECT_EQ(entryAfterFirstRun(AFTERBURNER_OP_out_imm, 0x21),
            (const void *)afterburner_xen_site_port_io);
}

TEST(IoEntry, FirstRunDoesTheAccessAndSeesTheSite) {
  UartModel reference(transmitToString);
  afterburner_xen_uart.write(0x3ff, 0x77);
  chosenEntry = nullptr;
  const Registers after = run(afterburner_xen_site_port_io_first, AFTERBURNER_OP_in_dx,
                              Arithmetic | Direction, RaxHigh, 0x3ff);
  EXPECT_EQ(uint8_t(after.rax), 0x77);
  EXPECT_EQ(chosenEntry, (const void *)afterburner_xen_io_in_dx_uart7);
  // R: just after the harness's call, whose record reference names harness_io_record.
  const uint8_t *returnAddress = (const uint8_t *)firstCallReturnAddress;
  int32_t reference32;
  memcpy(&reference32, returnAddress + 3, sizeof reference32);
  EXPECT_EQ(returnAddress + 3 + reference32, (const uint8_t *)&harness_io_record);
}

TEST(IoEntry, Com1ReadsMatchTheModelEveryWay) {
  for (Way way : Ways)
    for (uint8_t lineControl : {uint8_t(0x03), uint8_t(0x83)}) {
      UartModel reference(transmitToString);
      program(reference, lineControl);
      fullPathCalls = 0;
      for (unsigned offset = 0; offset < 8; ++offset)
        for (uint64_t flags : FlagPatterns)
          EXPECT_EQ(inByte(uint16_t(UartModel::Base + offset), flags, way),
                    reference.read(uint16_t(UartModel::Base + offset)))
              << "register " << offset << " lcr " << int(lineControl) << " way " << int(way);
      // Past the first run and a stub's miss, only the divisor latch bytes leave the fast
      // paths.
      const bool full = way == Way::FirstRun || way == Way::OtherPortsStub;
      const size_t fullRuns = full                   ? 8 * std::size(FlagPatterns)
                              : (lineControl & 0x80) ? 2 * std::size(FlagPatterns)
                                                     : 0;
      EXPECT_EQ(fullPathCalls, fullRuns) << "way " << int(way);
    }
}

TEST(IoEntry, Com1RegisterWritesMatchTheModelEveryWay) {
  for (Way way : Ways)
    for (uint8_t lineControl : {uint8_t(0x03), uint8_t(0x83)}) {
      UartModel reference(transmitToString);
      program(reference, lineControl);
      uint8_t value = 0x31;
      for (unsigned offset = 1; offset < 8; ++offset) { // THR: TransmitsThrBytesByLine
        if (offset == 3)
          continue; // LCR last: it changes what the others mean
        outByte(uint16_t(UartModel::Base + offset), value, FlagPatterns[offset % 5], way);
        reference.write(uint16_t(UartModel::Base + offset), value);
        value = uint8_t(value * 3 + 1);
      }
      outByte(UartModel::Base + 3, uint8_t(lineControl ^ 0x04), 0, way);
      reference.write(UartModel::Base + 3, uint8_t(lineControl ^ 0x04));
      for (unsigned offset = 0; offset < 8; ++offset)
        EXPECT_EQ(afterburner_xen_uart.read(uint16_t(UartModel::Base + offset)),
                  reference.read(uint16_t(UartModel::Base + offset)))
            << "register " << offset << " lcr " << int(lineControl) << " way " << int(way);
    }
}

TEST(IoEntry, TransmitsThrBytesByLineEveryWay) {
  for (Way way : Ways) {
    UartModel reference(transmitToString);
    program(reference, 0x03);
    afterburner_xen_console.flush();
    console.clear();
    for (char byte : std::string("hi"))
      outByte(UartModel::Base, uint8_t(byte), Arithmetic, way);
    EXPECT_EQ(console, "");
    EXPECT_EQ(afterburner_xen_console.pending(), 2u);
    outByte(UartModel::Base, '\n', Direction, way);
    EXPECT_EQ(console, "hi\n");
    EXPECT_EQ(afterburner_xen_console.pending(), 0u);
  }
}

TEST(IoEntry, FlushesAFullLine) {
  for (Way way : {Way::Stub, Way::Table}) {
    UartModel reference(transmitToString);
    program(reference, 0x03);
    afterburner_xen_console.flush();
    console.clear();
    const std::string line(ConsoleBuffer::Capacity, 'x');
    for (char byte : line)
      outByte(UartModel::Base, uint8_t(byte), 0, way);
    EXPECT_EQ(console, line);
    EXPECT_EQ(afterburner_xen_console.pending(), 0u);
  }
}

TEST(IoEntry, DivisorLatchWritesGoThroughTheModel) {
  for (Way way : Ways) {
    UartModel reference(transmitToString);
    program(reference, 0x03);
    afterburner_xen_console.flush();
    console.clear();
    outByte(UartModel::Base + 3, 0x80, 0, way);
    outByte(UartModel::Base + 0, 0x30, 0, way);
    outByte(UartModel::Base + 1, 0x01, 0, way);
    EXPECT_EQ(inByte(UartModel::Base + 0, 0, way), 0x30);
    EXPECT_EQ(inByte(UartModel::Base + 1, 0, way), 0x01);
    outByte(UartModel::Base + 3, 0x03, 0, way);
    afterburner_xen_console.flush();
    EXPECT_EQ(console, "") << "divisor bytes are not characters, way " << int(way);
  }
}

TEST(IoEntry, AStubMissesOnAnyOtherEdxAndMovesTheSiteToTheTablePath) {
  UartModel reference(transmitToString);
  program(reference, 0x03);
  const void *lineStatus = entryAfterFirstRun(AFTERBURNER_OP_in_dx, 0x3fd);
  // Upper bits of edx are not the port's: the guard misses, the full path reads dx.
  fullPathCalls = 0;
  chosenEntry = nullptr;
  EXPECT_EQ(uint8_t(run(lineStatus, AFTERBURNER_OP_in_dx, Arithmetic, RaxHigh, 0x3fd, 1,
                        0xffff000000010000ull)
                        .rax),
            AFTERBURNER_XEN_UART_LINE_STATUS_IDLE);
  EXPECT_EQ(chosenEntry, (const void *)afterburner_xen_io_in_dx_any);
  EXPECT_EQ(uint8_t(run(lineStatus, AFTERBURNER_OP_in_dx, 0x801, RaxHigh, 0x40).rax), FullPathByte);
  EXPECT_EQ(fullPathCalls, 2u);
  chosenEntry = nullptr;
  run(entryAfterFirstRun(AFTERBURNER_OP_out_dx, 0x3ff), AFTERBURNER_OP_out_dx, 0x44, RaxHigh,
      0x3fe);
  EXPECT_EQ(chosenEntry, (const void *)afterburner_xen_io_out_dx_any);
}

TEST(IoEntry, WideAccessesAndOtherPortsTakeTheFullPath) {
  UartModel reference(transmitToString);
  program(reference, 0x03);
  fullPathCalls = 0;
  for (uint16_t port : {0x3f7, 0x400, 0x2fd, 0x7fd, 0xfd, 0x40, 0x21, 0xf4}) {
    EXPECT_EQ(inByte(port, Arithmetic, Way::Table), FullPathByte) << port;
    outByte(port, 0x12, Direction, Way::Table);
  }
  EXPECT_EQ(fullPathCalls, 16u);
  fullPathCalls = 0;
  for (unsigned width : {2u, 4u}) {
    run(entryAfterFirstRun(AFTERBURNER_OP_in_dx, 0x3fd, width), AFTERBURNER_OP_in_dx, 0x801,
        RaxHigh, 0x3fd, width);
    run(entryAfterFirstRun(AFTERBURNER_OP_out_dx, 0x3fd, width), AFTERBURNER_OP_out_dx, 0x44,
        RaxHigh, 0x3fd, width);
  }
  EXPECT_EQ(fullPathCalls, 4u);
}

TEST(IoEntry, ImmediateFormsReachTheDelayPortFastAndTheRestFull) {
  fullPathCalls = 0;
  for (uint64_t flags : FlagPatterns) {
    for (unsigned op : {AFTERBURNER_OP_in_imm, AFTERBURNER_OP_in_dx}) {
      const Registers after = run(entryAfterFirstRun(op, 0x80), op, flags, RaxHigh, 0x80);
      EXPECT_EQ(uint8_t(after.rax), AFTERBURNER_XEN_DELAY_PORT_VALUE);
    }
    for (unsigned op : {AFTERBURNER_OP_out_imm, AFTERBURNER_OP_out_dx})
      run(entryAfterFirstRun(op, 0x80), op, flags, RaxHigh | 0x42, 0x80);
  }
  EXPECT_EQ(fullPathCalls, 0u);
  EXPECT_EQ(uint8_t(run(entryAfterFirstRun(AFTERBURNER_OP_in_imm, 0x40), AFTERBURNER_OP_in_imm,
                        Arithmetic, RaxHigh, 0x40)
                        .rax),
            FullPathByte);
  run(entryAfterFirstRun(AFTERBURNER_OP_out_imm, 0x43), AFTERBURNER_OP_out_imm, Direction, RaxHigh,
      0x43);
  EXPECT_EQ(fullPathCalls, 2u);
}

TEST(IoRoutes, RetargetingRewritesTheCallDisplacementOnly) {
  // A CALL-form site (wedge_abi.h): call rel32, then the nopl naming the record.
  alignas(8) uint8_t site[16] = {0xe8, 1, 2, 3, 4, 0x0f, 0x1f, 0x80, 9, 9, 9, 9, 0x90};
  const uintptr_t returnAddress = uintptr_t(site + AFTERBURNER_CALL_LENGTH);
  const uintptr_t entry = uintptr_t(site) + 0x1234; // only ever an address here
  retargetSite(returnAddress, (const void *)entry);
  int32_t displacement;
  memcpy(&displacement, site + 1, sizeof displacement);
  EXPECT_EQ(returnAddress + uintptr_t(intptr_t(displacement)), entry);
  EXPECT_EQ(site[0], 0xe8);
  const uint8_t rest[] = {0x0f, 0x1f, 0x80, 9, 9, 9, 9, 0x90};
  EXPECT_EQ(memcmp(site + 5, rest, sizeof rest), 0);
  retargetSite(returnAddress, (const void *)(uintptr_t(site) - 0x40)); // backwards
  memcpy(&displacement, site + 1, sizeof displacement);
  EXPECT_EQ(displacement, -0x45);
}

TEST(IoRoutes, RetargetingLeavesAnythingButACallAlone) {
  alignas(8) uint8_t site[12] = {0xe9, 1, 2, 3, 4, 0x0f, 0x1f, 0x80, 0, 0, 0, 0};
  const uint8_t before[12] = {0xe9, 1, 2, 3, 4, 0x0f, 0x1f, 0x80, 0, 0, 0, 0};
  retargetSite(uintptr_t(site + AFTERBURNER_CALL_LENGTH), (const void *)(uintptr_t(site) + 0x100));
  EXPECT_EQ(memcmp(site, before, sizeof site), 0);
}

TEST(IoEntry, TheFullPathCallsCppOnAnAlignedStack) {
  misalignedCalls = 0;
  for (uint64_t flags : FlagPatterns) {
    run(afterburner_xen_site_port_io, AFTERBURNER_OP_in_dx, flags, RaxHigh, 0x40);
    run(afterburner_xen_site_port_io_first, AFTERBURNER_OP_out_dx, flags, RaxHigh, 0x21);
  }
  EXPECT_EQ(misalignedCalls, 0u);
}
