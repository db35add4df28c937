// Tests for wedges/kvm/console.cpp: one device access per transmitted line.
#include "console.h"

#include "FakeHardware.h"

#include <gtest/gtest.h>

#include <string>

namespace afterburner::kvm {
namespace {

using test::Access;
using test::FakeHardware;

constexpr uint16_t Data = UartConsole::Com1;
constexpr uint16_t LineStatus = UartConsole::Com1 + UartConsole::LineStatus;
constexpr uint16_t LineControl = UartConsole::Com1 + UartConsole::LineControl;

// What a polled transmit loop does per byte: poll LSR until THRE, write THR.
void putLine(UartConsole &console, const std::string &text) {
  for (char byte : text) {
    while ((console.readByte(LineStatus) & 0x20) == 0) {
    }
    console.writeByte(Data, static_cast<uint8_t>(byte));
  }
}

TEST(ConsoleTest, PollsAndBytesOfALineCostOneStringWrite) {
  FakeHardware hardware;
  UartConsole console{};
  console.reset(hardware.hooks());
  putLine(console, "hello, world\r\n");
  ASSERT_EQ(hardware.Accesses.size(), 1u);
  EXPECT_EQ(hardware.Accesses[0], (Access{true, Data, 1, 0, "hello, world\r\n"}));
}

TEST(ConsoleTest, BuffersUntilNewline) {
  FakeHardware hardware;
  UartConsole console{};
  console.reset(hardware.hooks());
  putLine(console, "partial");
  EXPECT_TRUE(hardware.Accesses.empty());
  EXPECT_EQ(console.buffered(), 7u);
  console.flush();
  ASSERT_EQ(hardware.Accesses.size(), 1u);
  EXPECT_EQ(hardware.Accesses[0].bytes, "partial");
}

TEST(ConsoleTest, FlushesWhenTheBufferIsFull) {
  FakeHardware hardware;
  UartConsole console{};
  console.reset(hardware.hooks());
  putLine(console, std::string(UartConsole::BufferSize + 3, 'x'));
  ASSERT_EQ(hardware.Accesses.size(), 1u);
  EXPECT_EQ(hardware.Accesses[0].bytes.size(), UartConsole::BufferSize);
  EXPECT_EQ(console.buffered(), 3u);
}

TEST(ConsoleTest, PollsWithoutInputNeverExitButDrainTheBuffer) {
  FakeHardware hardware;
  UartConsole console{};
  console.reset(hardware.hooks());
  console.writeByte(Data, 'a');
  for (int poll = 0; poll < 10; ++poll)
    EXPECT_EQ(console.readByte(LineStatus), 0x60);
  ASSERT_EQ(hardware.Accesses.size(), 1u); // the buffered "a", at the second poll
  EXPECT_EQ(hardware.Accesses[0].bytes, "a");
}

TEST(ConsoleTest, KernelReadingInputGetsRealPolls) {
  FakeHardware hardware;
  hardware.Inputs[Data] = 'k';
  hardware.Inputs[LineStatus] = 0x61;
  UartConsole console{};
  console.reset(hardware.hooks());
  EXPECT_EQ(console.readByte(Data), 'k'); // the kernel reads input
  console.writeByte(Data, 'a');
  EXPECT_EQ(console.readByte(LineStatus), 0x60); // answered: a transmit loop
  EXPECT_EQ(console.readByte(LineStatus), 0x61); // real: waiting for input
  ASSERT_EQ(hardware.Accesses.size(), 3u);
  EXPECT_EQ(hardware.Accesses[1].bytes, "a");
  EXPECT_EQ(hardware.Accesses[2], (Access{false, LineStatus, 1, 0x61, {}}));
  // The data-ready bit seen is reported by the next answered poll.
  console.writeByte(Data, 'b');
  EXPECT_EQ(console.readByte(LineStatus), 0x61);
}

TEST(ConsoleTest, ScratchRegisterIsMemory) {
  FakeHardware hardware;
  UartConsole console{};
  console.reset(hardware.hooks());
  console.writeByte(Data + UartConsole::Scratch, 0x5a);
  EXPECT_EQ(console.readByte(Data + UartConsole::Scratch), 0x5a);
  EXPECT_TRUE(hardware.Accesses.empty());
}

TEST(ConsoleTest, DivisorLatchWritesReachTheUart) {
  FakeHardware hardware;
  UartConsole console{};
  console.reset(hardware.hooks());
  console.writeByte(LineControl, 0x80);
  console.writeByte(Data, 1); // divisor low byte, not a character
  console.writeByte(LineControl, 0x03);
  console.writeByte(Data, 'x');
  ASSERT_EQ(hardware.Accesses.size(), 3u);
  EXPECT_EQ(hardware.Accesses[1], (Access{true, Data, 1, 1, {}}));
  EXPECT_EQ(console.buffered(), 1u);
}

TEST(ConsoleTest, OtherRegistersFlushFirstToKeepOrder) {
  FakeHardware hardware;
  hardware.Inputs[Data + 7] = 0x5a;
  UartConsole console{};
  console.reset(hardware.hooks());
  console.writeByte(Data, 'q');
  EXPECT_EQ(console.readByte(Data + 7), 0x5a);
  ASSERT_EQ(hardware.Accesses.size(), 2u);
  EXPECT_EQ(hardware.Accesses[0].bytes, "q");
  EXPECT_FALSE(hardware.Accesses[1].write);
}

TEST(ConsoleTest, OwnsCom1Only) {
  UartConsole console{};
  FakeHardware hardware;
  console.reset(hardware.hooks());
  EXPECT_TRUE(console.owns(0x3f8));
  EXPECT_TRUE(console.owns(0x3ff));
  EXPECT_FALSE(console.owns(0x2f8));
  EXPECT_FALSE(console.owns(0x400));
}

} // namespace
} // namespace afterburner::kvm
