// virtio_console.cpp: legacy virtio-pci transmit queue (virtio 0.9.5 / 1.x section
// 4.1.4.8 "Legacy Interfaces"), transmit only, no interrupts.
#include "virtio_console.h"

namespace afterburner::kvm {

namespace {
constexpr uint16_t ConfigAddressPort = 0xcf8;
constexpr uint16_t ConfigDataPort = 0xcfc;
constexpr unsigned ConfigCommand = 0x04;
constexpr unsigned ConfigBar0 = 0x10;
constexpr uint32_t CommandIo = 0x1;
constexpr uint32_t CommandBusMaster = 0x4;

// Legacy virtio-pci registers in BAR 0 (I/O space).
constexpr uint16_t RegisterGuestFeatures = 0x04;
constexpr uint16_t RegisterQueueAddress = 0x08; // page frame number
constexpr uint16_t RegisterQueueSize = 0x0c;
constexpr uint16_t RegisterQueueSelect = 0x0e;
constexpr uint16_t RegisterQueueNotify = 0x10;
constexpr uint16_t RegisterStatus = 0x12;
constexpr uint8_t StatusAcknowledge = 1;
constexpr uint8_t StatusDriver = 2;
constexpr uint8_t StatusDriverOk = 4;

// Without VIRTIO_CONSOLE_F_MULTIPORT the console has one port: queue 0 receives,
// queue 1 transmits.
constexpr uint16_t TransmitQueue = 1;
constexpr uint16_t AvailableNoInterrupt = 1;
constexpr unsigned DeviceSlots = 32;
// Where the wedge puts the device's I/O BAR when the firmware left it unassigned
// (qboot assigns none): the start of the PC's PCI I/O window.
constexpr uint32_t DefaultIoBase = 0xc000;
constexpr unsigned SpinLimit = 1u << 22;

struct Descriptor {
  uint64_t address;
  uint32_t length;
  uint16_t flags;
  uint16_t next;
};
static_assert(sizeof(Descriptor) == 16, "virtq_desc is 16 bytes");

void compilerBarrier() {
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}
} // namespace

uint32_t VirtioConsole::readConfig(unsigned device, unsigned offset) {
  Hardware->out(ConfigAddressPort, 4, configAddress(device, offset));
  return Hardware->in(ConfigDataPort, 4);
}

void VirtioConsole::writeConfig(unsigned device, unsigned offset, uint32_t value) {
  Hardware->out(ConfigAddressPort, 4, configAddress(device, offset));
  Hardware->out(ConfigDataPort, 4, value);
}

bool VirtioConsole::findDevice(unsigned &device) {
  for (device = 0; device < DeviceSlots; ++device) {
    const uint32_t identity = readConfig(device, 0);
    if ((identity & 0xffff) == VendorId && (identity >> 16) == ConsoleDeviceId)
      return true;
  }
  return false;
}

bool VirtioConsole::assignIoBase(unsigned device) {
  uint32_t bar = readConfig(device, ConfigBar0);
  if ((bar & 1) == 0)
    return false; // not the legacy I/O BAR of a transitional device
  if ((bar & ~3u) == 0) {
    // An I/O BAR is at most 256 bytes, so 0xc000 is aligned for any of them: no need
    // to size it first. Read back: a device that did not take it is left alone.
    writeConfig(device, ConfigBar0, DefaultIoBase);
    bar = readConfig(device, ConfigBar0);
  }
  if ((bar & ~3u) == 0 || (bar & ~3u) > 0xffff)
    return false;
  IoBase = static_cast<uint16_t>(bar & ~3u);
  return true;
}

bool VirtioConsole::setUpQueue() {
  Hardware->out(IoBase + RegisterQueueSelect, 2, TransmitQueue);
  QueueSize = static_cast<uint16_t>(Hardware->in(IoBase + RegisterQueueSize, 2));
  if (QueueSize < Slots || QueueSize > MaximumQueueSize)
    return false;
  for (size_t index = 0; index < QueueBytes; ++index)
    Memory[index] = 0;
  volatile uint16_t *available =
      reinterpret_cast<volatile uint16_t *>(Memory + availableOffset(QueueSize));
  available[0] = AvailableNoInterrupt; // we poll the used ring
  const uintptr_t physical = reinterpret_cast<uintptr_t>(Memory);
  Hardware->out(IoBase + RegisterQueueAddress, 4, static_cast<uint32_t>(physical >> 12));
  return true;
}

bool VirtioConsole::start(const PortHardware *hardware, uint8_t *memory) {
  Hardware = hardware;
  Memory = memory;
  Started = false;
  AvailableIndex = 0;
  unsigned device;
  if (!findDevice(device))
    return false;
  if (!assignIoBase(device))
    return false;
  const uint32_t command = readConfig(device, ConfigCommand) & 0xffff;
  writeConfig(device, ConfigCommand, command | CommandIo | CommandBusMaster);
  Hardware->out(IoBase + RegisterStatus, 1, 0); // reset
  Hardware->out(IoBase + RegisterStatus, 1, StatusAcknowledge);
  Hardware->out(IoBase + RegisterStatus, 1, StatusAcknowledge | StatusDriver);
  Hardware->out(IoBase + RegisterGuestFeatures, 4, 0); // no multiport, nothing else
  if (!setUpQueue()) {
    Hardware->out(IoBase + RegisterStatus, 1, 0);
    return false;
  }
  Hardware->out(IoBase + RegisterStatus, 1, StatusAcknowledge | StatusDriver | StatusDriverOk);
  Started = true;
  return true;
}

uint16_t VirtioConsole::usedIndex() const {
  const volatile uint16_t *used =
      reinterpret_cast<const volatile uint16_t *>(Memory + usedOffset(QueueSize));
  return used[1];
}

bool VirtioConsole::waitForSlot() {
  for (unsigned spin = 0; spin < SpinLimit; ++spin) {
    if (static_cast<uint16_t>(AvailableIndex - usedIndex()) < Slots)
      return true;
  }
  return false;
}

void VirtioConsole::writeSlot(const uint8_t *bytes, size_t count) {
  const unsigned slot = AvailableIndex % Slots;
  uint8_t *buffer = Memory + QueueBytes + slot * SlotSize;
  for (size_t index = 0; index < count; ++index)
    buffer[index] = bytes[index];
  volatile Descriptor *descriptors = reinterpret_cast<volatile Descriptor *>(Memory);
  descriptors[slot].address = reinterpret_cast<uintptr_t>(buffer);
  descriptors[slot].length = static_cast<uint32_t>(count);
  descriptors[slot].flags = 0;
  descriptors[slot].next = 0;
  volatile uint16_t *available =
      reinterpret_cast<volatile uint16_t *>(Memory + availableOffset(QueueSize));
  available[2 + AvailableIndex % QueueSize] = static_cast<uint16_t>(slot);
  compilerBarrier(); // x86 keeps stores in order; the compiler must too
  available[1] = ++AvailableIndex;
  compilerBarrier();
}

void VirtioConsole::write(const uint8_t *bytes, size_t count) {
  while (Started && count > 0) {
    if (!waitForSlot()) {
      Started = false; // the device stopped taking buffers: the caller falls back
      return;
    }
    const size_t chunk = count < SlotSize ? count : SlotSize;
    writeSlot(bytes, chunk);
    Hardware->out(IoBase + RegisterQueueNotify, 2, TransmitQueue);
    bytes += chunk;
    count -= chunk;
  }
}

void VirtioConsole::drain() {
  for (unsigned spin = 0; Started && spin < SpinLimit; ++spin) {
    if (usedIndex() == AvailableIndex)
      return;
  }
}

} // namespace afterburner::kvm
