// Tests for wedges/kvm/virtio_console.cpp against a simulated legacy virtio-pci
// console (PCI configuration mechanism #1 plus the I/O BAR registers).
#include "virtio_console.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace afterburner::kvm {
namespace {

// One device at bus 0 slot 2 whose I/O BAR (64 bytes) the firmware left unassigned.
struct SimulatedDevice {
  unsigned slot = 2;
  uint32_t address = 0;
  uint32_t bar = 0x1;
  uint32_t command = 0;
  uint16_t queueSize = 128;
  uint16_t selectedQueue = 0xffff;
  uint32_t queueFrame = 0;
  uint8_t status = 0xff;
  unsigned notifications = 0;
  bool present = true;

  uint32_t configRead() const {
    const unsigned device = (address >> 11) & 31;
    const unsigned offset = address & 0xfc;
    if (!present || device != slot)
      return 0xffffffff;
    if (offset == 0)
      return 0x10031af4;
    if (offset == 4)
      return command;
    if (offset == 0x10)
      return bar;
    return 0;
  }
  void configWrite(uint32_t value) {
    const unsigned offset = address & 0xfc;
    if (offset == 4)
      command = value & 0xffff;
    else if (offset == 0x10)
      bar = (value & ~0x3fu) | 1; // a 64-byte I/O BAR
  }
  uint32_t in(uint16_t port) const {
    if (port == 0xcfc)
      return configRead();
    const uint16_t base = bar & ~3u;
    if (port == base + 0x0c)
      return selectedQueue == 1 ? queueSize : 0;
    return 0;
  }
  void out(uint16_t port, uint32_t value) {
    const uint16_t base = bar & ~3u;
    if (port == 0xcf8)
      address = value;
    else if (port == 0xcfc)
      configWrite(value);
    else if (port == base + 0x0e)
      selectedQueue = static_cast<uint16_t>(value);
    else if (port == base + 0x08)
      queueFrame = value;
    else if (port == base + 0x12)
      status = static_cast<uint8_t>(value);
    else if (port == base + 0x10 && value == 1)
      ++notifications;
  }
};

SimulatedDevice *device = nullptr;

class VirtioConsoleTest : public ::testing::Test {
protected:
  void SetUp() override {
    device = &simulated;
    hooks.in = [](uint16_t port, unsigned) { return device->in(port); };
    hooks.out = [](uint16_t port, unsigned, uint32_t value) { device->out(port, value); };
    memory.reset(static_cast<uint8_t *>(std::aligned_alloc(4096, VirtioConsole::MemoryBytes)));
    std::memset(memory.get(), 0xcc, VirtioConsole::MemoryBytes);
  }
  void TearDown() override { device = nullptr; }

  uint16_t *available() {
    return reinterpret_cast<uint16_t *>(memory.get() + VirtioConsole::availableOffset(128));
  }
  uint16_t *used() {
    return reinterpret_cast<uint16_t *>(memory.get() + VirtioConsole::usedOffset(128));
  }

  SimulatedDevice simulated;
  PortHardware hooks{};
  struct Free {
    void operator()(uint8_t *pointer) const { std::free(pointer); }
  };
  std::unique_ptr<uint8_t, Free> memory;
  VirtioConsole console{};
};

TEST_F(VirtioConsoleTest, RingLayoutFollowsTheLegacySpecification) {
  EXPECT_EQ(VirtioConsole::availableOffset(128), 2048u);
  EXPECT_EQ(VirtioConsole::usedOffset(128), 4096u);
  EXPECT_EQ(VirtioConsole::usedOffset(256), 8192u);
  EXPECT_LE(VirtioConsole::usedOffset(256) + 6 + 8 * 256, VirtioConsole::QueueBytes);
  EXPECT_EQ(VirtioConsole::configAddress(2, 0x10), 0x80001010u);
}

TEST_F(VirtioConsoleTest, StartsTheDeviceAndPlacesItsIoBar) {
  ASSERT_TRUE(console.start(&hooks, memory.get()));
  EXPECT_EQ(simulated.bar & ~3u, 0xc000u);
  EXPECT_EQ(simulated.command & 0x5, 0x5u); // I/O space and bus master
  EXPECT_EQ(simulated.status, 7);           // ACKNOWLEDGE | DRIVER | DRIVER_OK
  EXPECT_EQ(simulated.queueFrame,
            static_cast<uint32_t>(reinterpret_cast<uintptr_t>(memory.get()) >> 12));
  EXPECT_EQ(available()[0], 1); // no interrupts: the driver polls
  EXPECT_EQ(console.queueSize(), 128);
}

TEST_F(VirtioConsoleTest, NoDeviceMeansNoConsole) {
  simulated.present = false;
  EXPECT_FALSE(console.start(&hooks, memory.get()));
  EXPECT_FALSE(console.started());
}

TEST_F(VirtioConsoleTest, ALineIsOneBufferAndOneNotify) {
  ASSERT_TRUE(console.start(&hooks, memory.get()));
  const char line[] = "hello\r\n";
  console.write(reinterpret_cast<const uint8_t *>(line), 7);
  EXPECT_EQ(simulated.notifications, 1u);
  EXPECT_EQ(available()[1], 1); // avail->idx
  const uint16_t slot = available()[2];
  const uint8_t *descriptor = memory.get() + 16 * slot;
  uint64_t address;
  uint32_t length;
  std::memcpy(&address, descriptor, 8);
  std::memcpy(&length, descriptor + 8, 4);
  EXPECT_EQ(length, 7u);
  EXPECT_EQ(std::memcmp(reinterpret_cast<const void *>(address), line, 7), 0);
}

TEST_F(VirtioConsoleTest, WaitsForTheDeviceBeforeReusingASlot) {
  ASSERT_TRUE(console.start(&hooks, memory.get()));
  const uint8_t byte = 'x';
  for (unsigned line = 0; line < VirtioConsole::Slots; ++line)
    console.write(&byte, 1);
  used()[1] = 3; // the device has taken three buffers
  console.write(&byte, 1);
  EXPECT_TRUE(console.started());
  EXPECT_EQ(available()[1], VirtioConsole::Slots + 1);
}

TEST_F(VirtioConsoleTest, GivesUpWhenTheDeviceStopsTakingBuffers) {
  ASSERT_TRUE(console.start(&hooks, memory.get()));
  const uint8_t byte = 'x';
  for (unsigned line = 0; line <= VirtioConsole::Slots; ++line)
    console.write(&byte, 1);
  EXPECT_FALSE(console.started()); // the caller falls back to the UART
}

} // namespace
} // namespace afterburner::kvm
