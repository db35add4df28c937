// PortIoTest.cpp: Akaros's port-I/O model (wedges/akaros/host/PortIo.cpp).
#include "PortIo.h"

#include <gtest/gtest.h>

namespace afterburner::akaros {
namespace {

TEST(PortIoTest, PicMaskReadsAllOnes) {
  PortIo io;
  EXPECT_EQ(io.read(0x21, 1), 0xffu);
}

TEST(PortIoTest, HostBridgeIsTheOnlyPciFunction) {
  PortIo io;
  io.write(0xcf8, 4, 0x80000000);
  EXPECT_EQ(io.read(0xcf8, 4), 0x80000000u);
  EXPECT_EQ(io.read(0xcfc, 4), 0x71908086u);
  EXPECT_EQ(io.read(0xcfe, 2), 0x7190u);
  io.write(0xcf8, 4, 0x80000008);
  EXPECT_EQ(io.read(0xcfc, 4), 0x06000001u);
  io.write(0xcf8, 4, 0x80000800); // device 1
  EXPECT_EQ(io.read(0xcfc, 4), 0xffffffffu);
  EXPECT_EQ(io.read(0xcfc, 1), 0xffu);
}

TEST(PortIoTest, ResetOnlyWithBitTwo) {
  PortIo io;
  EXPECT_EQ(io.write(0xcf9, 1, 0x2), PortIo::WriteOutcome::Handled);
  EXPECT_EQ(io.write(0xcf9, 1, 0x6), PortIo::WriteOutcome::Reset);
}

TEST(PortIoTest, UartWritesAreSilentlyIgnored) {
  PortIo io;
  EXPECT_EQ(io.write(0x3f8, 1, 'A'), PortIo::WriteOutcome::Handled);
  // A line-status read is answered from PCI configuration space, not a UART.
  io.write(0xcf8, 4, 0x80000000);
  EXPECT_EQ(io.read(0x3fd, 1), 0x86u);
}

} // namespace
} // namespace afterburner::akaros
