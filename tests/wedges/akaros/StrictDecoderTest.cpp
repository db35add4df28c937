// StrictDecoderTest.cpp: encodings Akaros's VMM accepts and rejects
// (wedges/akaros/host/StrictDecoder.cpp).
#include "StrictDecoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>

namespace afterburner::akaros {
namespace {

PortIoExit exitOf(bool in, unsigned size, uint16_t port, uint16_t dx, uint8_t b0, uint8_t b1,
                  uint8_t b2) {
  PortIoExit exit;
  exit.in = in;
  exit.size = size;
  exit.port = port;
  exit.dx = dx;
  exit.before[0] = b0;
  exit.before[1] = b1;
  exit.before[2] = b2;
  return exit;
}

TEST(StrictDecoderTest, AcceptsAkarosPortIoForms) {
  EXPECT_EQ(checkPortIoEncoding(exitOf(false, 4, 0xcf8, 0xcf8, 0x90, 0x90, 0xef)), "");
  EXPECT_EQ(checkPortIoEncoding(exitOf(false, 1, 0xcf9, 0xcf9, 0x90, 0x90, 0xee)), "");
  EXPECT_EQ(checkPortIoEncoding(exitOf(false, 1, 0xe0, 0, 0x90, 0xe6, 0xe0)), "") << "the tunnel";
  EXPECT_EQ(checkPortIoEncoding(exitOf(false, 2, 0x80, 0x80, 0x90, 0x66, 0xef)), "");
  EXPECT_EQ(checkPortIoEncoding(exitOf(true, 1, 0xcfc, 0xcfc, 0x90, 0x90, 0xec)), "");
  EXPECT_EQ(checkPortIoEncoding(exitOf(true, 4, 0xcfc, 0xcfc, 0x90, 0x90, 0xed)), "");
  EXPECT_EQ(checkPortIoEncoding(exitOf(true, 1, 0x21, 0, 0x90, 0xe4, 0x21)), "");
  EXPECT_EQ(checkPortIoEncoding(exitOf(true, 2, 0xcfc, 0xcfc, 0x90, 0x66, 0xed)), "");
}

TEST(StrictDecoderTest, RejectsOtherPortIoForms) {
  EXPECT_NE(checkPortIoEncoding(exitOf(false, 4, 0x80, 0, 0x90, 0xe7, 0x80)), "")
      << "out %eax,$imm8";
  EXPECT_NE(checkPortIoEncoding(exitOf(true, 1, 0x60, 0, 0x90, 0xe4, 0x60)), "") << "in $0x60,%al";
  EXPECT_NE(checkPortIoEncoding(exitOf(true, 4, 0x40, 0, 0x90, 0xe5, 0x40)), "") << "in $imm8,%eax";
  PortIoExit string = exitOf(false, 1, 0x3f8, 0x3f8, 0x90, 0xf3, 0x6e);
  string.count = 4;
  EXPECT_NE(checkPortIoEncoding(string), "") << "rep outsb";
}

// rip still on the instruction (upstream KVM; `in` on this machine's KVM).
PortIoExit exitAt(bool in, unsigned size, uint16_t port, uint16_t dx,
                  std::initializer_list<uint8_t> bytes) {
  PortIoExit exit = exitOf(in, size, port, dx, 0x90, 0x90, 0x90);
  std::copy(bytes.begin(), bytes.end(), exit.at);
  return exit;
}

TEST(StrictDecoderTest, DecodesTheInstructionAtRipExactly) {
  EXPECT_EQ(checkPortIoEncoding(exitAt(true, 1, 0x3fd, 0x3fd, {0xec, 0x90})), "");
  EXPECT_EQ(checkPortIoEncoding(exitAt(true, 2, 0xcfc, 0xcfc, {0x66, 0xed})), "");
  EXPECT_EQ(checkPortIoEncoding(exitAt(true, 1, 0x21, 0, {0xe4, 0x21})), "");
  EXPECT_EQ(checkPortIoEncoding(exitAt(false, 4, 0xcf8, 0xcf8, {0xef, 0x90})), "");
  EXPECT_NE(checkPortIoEncoding(exitAt(true, 1, 0x60, 0, {0xe4, 0x60})), "");
  EXPECT_NE(checkPortIoEncoding(exitAt(false, 4, 0xcf8, 0xcf8, {0x48, 0xef})), "")
      << "a REX prefix: Akaros reads 0x48 as the opcode";
  EXPECT_NE(checkPortIoEncoding(exitAt(false, 1, 0x80, 0x80, {0x3e, 0xee})), "")
      << "a segment prefix";
}

TEST(StrictDecoderTest, MmioForms) {
  const uint8_t movStore[] = {0x89, 0x07};
  const uint8_t movLoad64[] = {0x48, 0x8b, 0x07};
  const uint8_t movzxWord[] = {0x0f, 0xb7, 0x07};
  const uint8_t cmpImmediate[] = {0x81, 0x3f, 0x01, 0x00, 0x00, 0x00};
  const uint8_t orImmediate[] = {0x81, 0x0f, 0x01, 0x00, 0x00, 0x00};
  const uint8_t xchg[] = {0x87, 0x07};
  const uint8_t repMovs[] = {0xf3, 0xa4};
  EXPECT_EQ(checkMmioEncoding(movStore, sizeof movStore), "");
  EXPECT_EQ(checkMmioEncoding(movLoad64, sizeof movLoad64), "");
  EXPECT_EQ(checkMmioEncoding(movzxWord, sizeof movzxWord), "");
  EXPECT_EQ(checkMmioEncoding(cmpImmediate, sizeof cmpImmediate), "");
  EXPECT_NE(checkMmioEncoding(orImmediate, sizeof orImmediate), "");
  EXPECT_NE(checkMmioEncoding(xchg, sizeof xchg), "");
  EXPECT_NE(checkMmioEncoding(repMovs, sizeof repMovs), "");
}

} // namespace
} // namespace afterburner::akaros
