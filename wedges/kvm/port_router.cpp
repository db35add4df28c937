// port_router.cpp: the per-port decisions of port_router.h.
#include "port_router.h"

#include "kvm_interface.h"

namespace afterburner::kvm {

namespace {
constexpr uint16_t Channel2Port = 0x42;
constexpr uint8_t SystemControlSpeaker = 0x02;
constexpr uint8_t SystemControlWritable = 0x0f;

bool isChannel2Write(uint16_t port, uint8_t value) {
  return port == Channel2Port || (port == PitModel::ControlPort && (value >> 6) == 2);
}
} // namespace

void PortRouter::reset(const PortHardware *hardware, bool dropIoDelay) {
  Hardware = hardware;
  DropIoDelay = dropIoDelay;
  SystemControlKnown = false;
  HardwareSystemControl = 0;
  Channel2Control = 0;
  Channel2ByteCount = 0;
  Console.reset(hardware);
  Timer.reset(0);
  Pic.reset();
}

void PortRouter::flushConsole() {
  Console.flush();
  if (Hardware->drain)
    Hardware->drain();
}

uint32_t PortRouter::passIn(uint16_t port, unsigned width) {
  flushConsole();
  return Hardware->in(port, width);
}

void PortRouter::passOut(uint16_t port, unsigned width, uint32_t value) {
  flushConsole();
  Hardware->out(port, width, value);
}

bool PortRouter::takesString(uint16_t port, unsigned width) const {
  return width == 1 && Console.isTransmitPort(port);
}

uint8_t PortRouter::readSystemControl() {
  if (!SystemControlKnown) {
    // Once, for the speaker and NMI bits the model cannot know.
    const uint8_t value = static_cast<uint8_t>(passIn(PitModel::SystemControlPort, 1));
    SystemControlKnown = true;
    HardwareSystemControl = value & SystemControlWritable;
    Timer.writeSystemControl(HardwareSystemControl, now());
  }
  return Timer.readSystemControl(now());
}

void PortRouter::replayChannel2() {
  // Channel 2 was programmed in the model only; the speaker is about to hear it.
  if (Channel2Control == 0)
    return;
  Hardware->out(PitModel::ControlPort, 1, Channel2Control);
  for (unsigned index = 0; index < Channel2ByteCount; ++index)
    Hardware->out(Channel2Port, 1, Channel2Bytes[index]);
}

void PortRouter::writeSystemControl(uint8_t value) {
  value &= SystemControlWritable;
  Timer.writeSystemControl(value, now());
  // Only the channel 2 gate changed and the speaker is off: nothing outside the
  // model can tell, so the device need not hear it.
  const uint8_t changed = value ^ HardwareSystemControl;
  if (SystemControlKnown && (changed & ~PitModel::SystemControlGate2) == 0 && !speakerOn())
    return;
  if ((value & SystemControlSpeaker) && !speakerOn())
    replayChannel2();
  SystemControlKnown = true;
  HardwareSystemControl = value;
  Hardware->out(PitModel::SystemControlPort, 1, value);
}

void PortRouter::writeTimer(uint16_t port, uint8_t value) {
  const bool programs = Timer.writeTimer(port, value, now());
  if (!programs)
    return;
  if (!isChannel2Write(port, value)) {
    Hardware->out(port, 1, value); // channels 0 and 1 drive IRQ 0 and refresh
    return;
  }
  if (port == PitModel::ControlPort) {
    Channel2Control = value;
    Channel2ByteCount = 0;
  } else if (Channel2ByteCount < sizeof Channel2Bytes) {
    Channel2Bytes[Channel2ByteCount++] = value;
  }
  if (speakerOn())
    Hardware->out(port, 1, value);
}

uint8_t PortRouter::readPic(uint16_t port) {
  uint8_t value;
  if (Pic.read(port, value))
    return value;
  value = static_cast<uint8_t>(Hardware->in(port, 1));
  Pic.observe(port, value);
  return value;
}

uint32_t PortRouter::in(uint16_t port, unsigned width) {
  if (width != 1)
    return passIn(port, width);
  if (Console.owns(port))
    return Console.readByte(port);
  if (modelsTimer() && PitModel::ownsTimerPort(port))
    return Timer.readTimer(port, now());
  if (modelsTimer() && port == PitModel::SystemControlPort)
    return readSystemControl();
  if (PicMaskCache::owns(port))
    return readPic(port);
  return passIn(port, width);
}

void PortRouter::out(uint16_t port, unsigned width, uint32_t value) {
  if (port == PortIoDelay && DropIoDelay)
    return; // KVM_FEATURE_NOP_IO_DELAY: the host says delays are not needed
  if (width != 1) {
    passOut(port, width, value);
    return;
  }
  const uint8_t byte = static_cast<uint8_t>(value);
  if (Console.owns(port)) {
    Console.writeByte(port, byte);
  } else if (modelsTimer() && PitModel::ownsTimerPort(port)) {
    writeTimer(port, byte);
  } else if (modelsTimer() && port == PitModel::SystemControlPort) {
    writeSystemControl(byte);
  } else if (PicMaskCache::owns(port)) {
    // An EOI ends an interrupt handler, typically a timer tick: a line the kernel
    // left unfinished (a prompt, progress dots) goes out now, not at its newline.
    if ((port & 1) == 0)
      Console.flush();
    if (Pic.write(port, byte))
      Hardware->out(port, 1, byte);
  } else {
    passOut(port, width, value);
  }
}

} // namespace afterburner::kvm
