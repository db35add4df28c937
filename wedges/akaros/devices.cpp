// devices.cpp: see devices.h.
#include "devices.h"

namespace afterburner::akaros {
namespace {

constexpr unsigned RegisterData = 0, RegisterInterruptEnable = 1, RegisterInterruptId = 2,
                   RegisterLineControl = 3, RegisterLineStatus = 5, RegisterModemStatus = 6;
constexpr uint8_t LineControlDivisorLatch = 0x80;
constexpr uint8_t LineStatusIdle = 0x60;   // THR empty, transmitter empty
constexpr uint8_t ModemStatusReady = 0xb0; // CTS, DSR, DCD
constexpr uint8_t NoInterruptPending = 0x01;
constexpr uint8_t PicNonSpecificEoi = 0x20;

uint32_t allOnes(unsigned width) {
  return width >= 4 ? 0xffffffffu : (1u << (width * 8)) - 1;
}

} // namespace

bool UartModel::write(uint16_t port, uint8_t value) {
  const unsigned offset = port - Base;
  const bool latch = registers_[RegisterLineControl] & LineControlDivisorLatch;
  if (latch && offset <= RegisterInterruptEnable) {
    divisorLatch_[offset] = value;
    return false;
  }
  if (offset == RegisterData)
    return true;
  if (offset != RegisterLineStatus && offset != RegisterInterruptId)
    registers_[offset] = value;
  return false;
}

uint8_t UartModel::read(uint16_t port) const {
  const unsigned offset = port - Base;
  const bool latch = registers_[RegisterLineControl] & LineControlDivisorLatch;
  if (latch && offset <= RegisterInterruptEnable)
    return divisorLatch_[offset];
  switch (offset) {
  case RegisterData:
    return 0; // nothing ever received
  case RegisterInterruptId:
    return NoInterruptPending;
  case RegisterLineStatus:
    return LineStatusIdle;
  case RegisterModemStatus:
    return ModemStatusReady;
  default:
    return registers_[offset];
  }
}

void DeviceRouter::reset(const Platform *platform, Console *console, uint64_t tscKilohertz) {
  platform_ = platform;
  console_ = console;
  tscKilohertz_ = tscKilohertz;
  uart_ = UartModel();
  pit_ = wedge::PitModel();
  pic_ = wedge::PicModel();
  timerLvt_ = X2apicMasked;
  timerCount_ = 0;
}

// TSC to nanoseconds without 128-bit division (no libgcc in guests).
uint64_t DeviceRouter::nowNanoseconds() const {
  if (!platform_ || tscKilohertz_ == 0)
    return 0;
  const uint64_t tsc = platform_->readTimestamp();
  return tsc / tscKilohertz_ * 1000000u + tsc % tscKilohertz_ * 1000000u / tscKilohertz_;
}

uint32_t DeviceRouter::in(uint16_t port, unsigned width) {
  if (UartModel::ownsPort(port))
    return uart_.read(port);
  if (wedge::PitModel::ownsPort(port))
    return pit_.read(port, nowNanoseconds());
  if (wedge::PicModel::ownsPort(port))
    return pic_.read(port);
  return allOnes(width);
}

void DeviceRouter::out(uint16_t port, unsigned width, uint32_t value) {
  const uint8_t byte = static_cast<uint8_t>(value);
  if (UartModel::ownsPort(port)) {
    if (uart_.write(port, byte) && console_)
      console_->writeByte(byte);
    return;
  }
  if (wedge::PitModel::ownsPort(port)) {
    pit_.write(port, byte, nowNanoseconds());
    if (pit_.takeTimerChanged())
      updateTimer();
    return;
  }
  if (wedge::PicModel::ownsPort(port)) {
    pic_.write(port, byte);
    if (port == wedge::PicMasterCommandPort && byte == PicNonSpecificEoi && platform_)
      platform_->writeMsr(X2apicEndOfInterrupt, 0);
    updateTimer();
    return;
  }
  if (port == DebugExitPort && platform_) {
    if (console_ && value != 0x10)
      console_->write("akaros wedge: the kernel reported failure at power-off\n", 55);
    platform_->hypercall(AKAROS_VMCALL_SHUTDOWN, 0);
  }
  (void)width; // 0x80 (I/O delay), PCI and everything else: dropped
}

// IRQ 0's vector as the kernel programmed the master PIC (ICW2), or -1.
int DeviceRouter::irq0Vector() const {
  wedge::PicModel probe = pic_;
  probe.write(wedge::PicMasterDataPort, 0x00); // unmask everything in the copy
  for (int i = 0; i < 8; ++i)
    probe.write(wedge::PicMasterCommandPort, PicNonSpecificEoi);
  probe.raise(0);
  return probe.nextVector();
}

// Channel 0 as the x2APIC timer: 1 MHz at divide-by-1, so the count is microseconds.
void DeviceRouter::updateTimer() {
  if (!platform_)
    return;
  const wedge::PitTimerRequest request = pit_.channel0Timer();
  const int vector = irq0Vector();
  const bool masked = (pic_.mask() & 1) || vector < 0 || !request.running;
  uint32_t lvt = masked ? X2apicMasked : static_cast<uint32_t>(vector);
  if (request.periodic)
    lvt |= X2apicTimerPeriodic;
  uint64_t microseconds = request.periodNs / 1000;
  uint32_t count = masked ? 0 : static_cast<uint32_t>(microseconds ? microseconds : 1);
  if (lvt == timerLvt_ && count == timerCount_)
    return;
  timerLvt_ = lvt;
  timerCount_ = count;
  platform_->writeMsr(X2apicTimerDivide, X2apicDivideByOne);
  platform_->writeMsr(X2apicTimerVector, lvt);
  platform_->writeMsr(X2apicTimerInitialCount, count);
}

} // namespace afterburner::akaros
