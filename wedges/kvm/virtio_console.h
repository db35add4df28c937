// virtio_console.h: a transmit-only driver for a legacy (transitional) virtio-pci
// console, the "one exit per line" console path under KVM. A line is one buffer
// on the transmit queue and one notify write; with QEMU's ioeventfd the notify is
// even handled inside KVM. The COM1 console (console.h) hands its lines here when
// the device exists; otherwise it writes them to the UART.
//
// QEMU: -device virtio-serial-pci -device virtconsole,chardev=<the serial chardev>
// (a chardev with mux=on, so COM1 and the virtio console share one output).
//
// Pure logic over PortHardware (PCI configuration and the device's I/O BAR) and a
// caller-supplied memory area whose guest-physical address equals its address.
#ifndef AFTERBURNER_WEDGES_KVM_VIRTIO_CONSOLE_H
#define AFTERBURNER_WEDGES_KVM_VIRTIO_CONSOLE_H

#include "port_hardware.h"

#include <stddef.h>
#include <stdint.h>

namespace afterburner::kvm {

class VirtioConsole {
public:
  static constexpr uint16_t VendorId = 0x1af4;
  static constexpr uint16_t ConsoleDeviceId = 0x1003; // transitional virtio console
  static constexpr unsigned Slots = 8;                // lines in flight
  static constexpr unsigned SlotSize = 128;
  static constexpr unsigned MaximumQueueSize = 256;
  static constexpr size_t QueueBytes = 3 * 4096; // rings of MaximumQueueSize entries
  static constexpr size_t MemoryBytes = QueueBytes + Slots * SlotSize;

  // Finds the device on PCI bus 0 and sets up its transmit queue in memory (4 KiB
  // aligned, MemoryBytes long). False, with nothing changed on the device, when
  // there is none or it cannot be driven.
  bool start(const PortHardware *hardware, uint8_t *memory);
  bool started() const { return Started; }
  // Queues one line (at most SlotSize bytes per buffer; longer text takes several)
  // and notifies the device.
  void write(const uint8_t *bytes, size_t count);
  // Waits until the device has taken every queued buffer (so output stays in order
  // with a write to another device, such as a power-off).
  void drain();
  uint16_t queueSize() const { return QueueSize; }

  // PCI configuration mechanism #1 address for bus 0.
  static uint32_t configAddress(unsigned device, unsigned offset) {
    return 0x80000000u | device << 11 | (offset & 0xfc);
  }
  // Byte offsets of the legacy virtqueue parts for a queue of size entries.
  static size_t availableOffset(unsigned size) { return 16u * size; }
  static size_t usedOffset(unsigned size) {
    return (availableOffset(size) + 6 + 2u * size + 4095) & ~size_t{4095};
  }

private:
  uint32_t readConfig(unsigned device, unsigned offset);
  void writeConfig(unsigned device, unsigned offset, uint32_t value);
  bool findDevice(unsigned &device);
  bool assignIoBase(unsigned device);
  bool setUpQueue();
  bool waitForSlot();
  void writeSlot(const uint8_t *bytes, size_t count);
  uint16_t usedIndex() const;

  const PortHardware *Hardware;
  uint8_t *Memory;
  uint16_t IoBase;
  uint16_t QueueSize;
  uint16_t AvailableIndex; // our copy of avail->idx
  bool Started;
};

} // namespace afterburner::kvm

#endif
