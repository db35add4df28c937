// pit_pic_model.cpp: the PIT and 8259 models (see pit_pic_model.h).
#include "pit_pic_model.h"

namespace afterburner::wedge {
namespace {

constexpr uint64_t NanosecondsPerSecond = 1000000000;

// Nanoseconds to PIT ticks without overflowing 64 bits for any realistic uptime.
uint64_t ticksFromNanoseconds(uint64_t ns) {
  const uint64_t seconds = ns / NanosecondsPerSecond;
  const uint64_t rest = ns % NanosecondsPerSecond;
  return seconds * PitFrequencyHz + rest * PitFrequencyHz / NanosecondsPerSecond;
}

uint64_t nanosecondsFromTicks(uint64_t ticks) {
  const uint64_t seconds = ticks / PitFrequencyHz;
  const uint64_t rest = ticks % PitFrequencyHz;
  return seconds * NanosecondsPerSecond + rest * NanosecondsPerSecond / PitFrequencyHz;
}

bool isPeriodicMode(uint8_t mode) {
  return mode == 2 || mode == 3;
}

} // namespace

// ---- PitChannel -------------------------------------------------------------------------

uint64_t PitChannel::elapsedTicks(uint64_t nowNs) const {
  if (!running || !gateHigh || nowNs < loadedAtNs)
    return 0;
  return ticksFromNanoseconds(nowNs - loadedAtNs);
}

uint16_t PitChannel::count(uint64_t nowNs) const {
  if (!running)
    return reload;
  const uint64_t ticks = elapsedTicks(nowNs);
  const uint32_t period = reloadTicks();
  if (operatingMode == 2)
    return uint16_t(period - ticks % period);
  if (operatingMode == 3) {
    // Square wave: the counter steps by two and reloads every half period.
    const uint32_t half = period / 2 ? period / 2 : 1;
    return uint16_t(period - 2 * (ticks % half));
  }
  // One-shot modes count down once, then keep wrapping through 0xffff.
  return uint16_t(period - ticks);
}

bool PitChannel::output(uint64_t nowNs) const {
  if (!running)
    return operatingMode != 0; // mode 0 holds OUT low until the count expires
  const uint64_t ticks = elapsedTicks(nowNs);
  const uint32_t period = reloadTicks();
  if (operatingMode == 3)
    return ticks % period < (period + 1) / 2;
  if (operatingMode == 2)
    return ticks % period != period - 1;
  return ticks >= period;
}

void PitChannel::latch(uint64_t nowNs) {
  if (latched)
    return; // a second latch before the read is ignored
  latched = true;
  latchedValue = count(nowNs);
  readHighNext = false;
}

void PitChannel::writeControl(uint8_t control, uint64_t nowNs) {
  const uint8_t access = (control >> 4) & 3;
  if (access == 0) {
    latch(nowNs);
    return;
  }
  accessMode = access;
  uint8_t mode = (control >> 1) & 7;
  operatingMode = mode > 5 ? uint8_t(mode - 4) : mode; // 6 and 7 alias 2 and 3
  writeHighNext = access == 2;
  readHighNext = access == 2;
  latched = false;
  running = false; // a control word stops the counter until a count is written
}

void PitChannel::writeData(uint8_t value, uint64_t nowNs) {
  if (accessMode == 1) {
    reload = value;
  } else if (accessMode == 2) {
    reload = uint16_t(value << 8);
  } else if (!writeHighNext) {
    pendingLow = value;
    writeHighNext = true;
    return; // the count takes effect when both bytes are in
  } else {
    reload = uint16_t(pendingLow | value << 8);
    writeHighNext = false;
  }
  running = true;
  loadedAtNs = nowNs;
}

uint8_t PitChannel::readData(uint64_t nowNs) {
  const uint16_t value = latched ? latchedValue : count(nowNs);
  bool high = accessMode == 2;
  if (accessMode == 3) {
    high = readHighNext;
    readHighNext = !readHighNext;
  }
  if (latched && (accessMode != 3 || !readHighNext))
    latched = false; // the latch is released once fully read
  return high ? uint8_t(value >> 8) : uint8_t(value);
}

void PitChannel::setGate(bool high, uint64_t nowNs) {
  if (high == gateHigh)
    return;
  gateHigh = high;
  if (high && running)
    loadedAtNs = nowNs; // a rising gate (re)starts the count, as in modes 1, 2, 3, 5
}

// ---- PitModel ---------------------------------------------------------------------------

bool PitModel::ownsPort(uint16_t port) {
  return (port >= PitChannel0Port && port <= PitControlPort) || port == SystemControlPortB;
}

void PitModel::write(uint16_t port, uint8_t value, uint64_t nowNs) {
  if (port == SystemControlPortB) {
    portB = value & 3;
    channels[2].setGate(value & 1, nowNs);
    return;
  }
  if (port == PitControlPort) {
    const unsigned channel = value >> 6;
    if (channel == 3) { // read-back: bit 5 clear latches the selected counts
      for (unsigned index = 0; index < 3; ++index)
        if (!(value & 0x20) && (value & (2u << index)))
          channels[index].writeControl(0, nowNs);
      return;
    }
    channels[channel].writeControl(value, nowNs);
    if (channel == 0 && (value & 0x30))
      timerChanged = true;
    return;
  }
  const unsigned channel = port - PitChannel0Port;
  const bool wasRunning = channels[channel].isRunning();
  const uint64_t previousStart = channels[channel].startNs();
  channels[channel].writeData(value, nowNs);
  if (channel == 0 && channels[0].isRunning() &&
      (!wasRunning || channels[0].startNs() != previousStart))
    timerChanged = true;
}

uint8_t PitModel::read(uint16_t port, uint64_t nowNs) {
  if (port == SystemControlPortB) {
    refreshToggle = !refreshToggle; // some delay loops wait for this bit to flip
    return uint8_t(portB | (refreshToggle ? 0x10 : 0) | (channels[2].output(nowNs) ? 0x20 : 0));
  }
  if (port == PitControlPort)
    return 0xff; // the 8254 control register is write-only
  return channels[port - PitChannel0Port].readData(nowNs);
}

PitTimerRequest PitModel::channel0Timer() const {
  const PitChannel &channel = channels[0];
  if (!channel.isRunning())
    return {false, false, 0};
  return {true, isPeriodicMode(channel.mode()), nanosecondsFromTicks(channel.reloadTicks())};
}

bool PitModel::takeTimerChanged() {
  const bool changed = timerChanged;
  timerChanged = false;
  return changed;
}

// ---- PicModel ---------------------------------------------------------------------------

bool PicModel::ownsPort(uint16_t port) {
  return port == PicMasterCommandPort || port == PicMasterDataPort || port == PicSlaveCommandPort ||
         port == PicSlaveDataPort;
}

void PicModel::endOfInterrupt(Chip &chip, uint8_t command) {
  const uint8_t kind = command & 0xe0;
  if (kind == 0x60 || kind == 0xe0) { // specific EOI (and rotate on specific EOI)
    chip.service &= uint8_t(~(1u << (command & 7)));
    return;
  }
  if (kind != 0x20 && kind != 0xa0)
    return;                                   // rotation and priority commands: not modelled
  for (unsigned line = 0; line < 8; ++line) { // non-specific: the highest priority
    if (chip.service & (1u << line)) {
      chip.service &= uint8_t(~(1u << line));
      return;
    }
  }
}

void PicModel::writeCommand(Chip &chip, uint8_t value) {
  if (value & 0x10) { // ICW1 starts initialisation
    chip.initStep = 1;
    chip.expectIcw4 = value & 1;
    chip.mask = 0;
    chip.service = 0;
    chip.autoEoi = false;
    chip.readService = false;
    return;
  }
  if ((value & 0x18) == 0x08) { // OCW3
    if (value & 2)
      chip.readService = value & 1;
    return;
  }
  endOfInterrupt(chip, value); // OCW2
}

void PicModel::writeData(Chip &chip, uint8_t value) {
  switch (chip.initStep) {
  case 1: // ICW2: the vector of line 0
    chip.vectorBase = value & 0xf8;
    chip.initStep = 2;
    return;
  case 2: // ICW3: cascade wiring, fixed on a PC
    chip.initStep = chip.expectIcw4 ? 3 : 0;
    return;
  case 3: // ICW4
    chip.autoEoi = value & 2;
    chip.initStep = 0;
    return;
  default: // OCW1
    chip.mask = value;
  }
}

void PicModel::write(uint16_t port, uint8_t value) {
  Chip &chip = chips[port >= PicSlaveCommandPort ? 1 : 0];
  if (port == PicMasterCommandPort || port == PicSlaveCommandPort)
    writeCommand(chip, value);
  else
    writeData(chip, value);
}

uint8_t PicModel::read(uint16_t port) const {
  const Chip &chip = chips[port >= PicSlaveCommandPort ? 1 : 0];
  if (port == PicMasterDataPort || port == PicSlaveDataPort)
    return chip.mask;
  return chip.readService ? chip.service : chip.request;
}

void PicModel::raise(unsigned irq) {
  if (irq < 16)
    chips[irq / 8].request |= uint8_t(1u << (irq % 8));
}

int PicModel::pendingLine(const Chip &chip) {
  const uint8_t deliverable = chip.request & uint8_t(~chip.mask);
  for (unsigned line = 0; line < 8; ++line) {
    if (chip.service & (1u << line))
      return -1; // fully nested: an in-service line blocks itself and all below it
    if (deliverable & (1u << line))
      return int(line);
  }
  return -1;
}

int PicModel::nextVector() const {
  if (chips[0].vectorBase == 0)
    return -1; // the kernel has not programmed the master yet
  Chip master = chips[0];
  const int slaveLine = chips[1].vectorBase ? pendingLine(chips[1]) : -1;
  if (slaveLine >= 0)
    master.request |= 1u << 2; // the slave's output is the master's line 2
  const int masterLine = pendingLine(master);
  if (masterLine < 0)
    return -1;
  if (masterLine == 2 && slaveLine >= 0)
    return chips[1].vectorBase + slaveLine;
  if (masterLine == 2)
    return -1; // nothing actually behind the cascade line
  return chips[0].vectorBase + masterLine;
}

int PicModel::acknowledge() {
  const int vector = nextVector();
  if (vector < 0)
    return -1;
  const bool fromSlave = chips[1].vectorBase && vector >= chips[1].vectorBase &&
                         vector < chips[1].vectorBase + 8 &&
                         !(vector >= chips[0].vectorBase && vector < chips[0].vectorBase + 8);
  Chip &chip = chips[fromSlave ? 1 : 0];
  const uint8_t bit = uint8_t(1u << (vector - chip.vectorBase));
  chip.request &= uint8_t(~bit);
  if (!chip.autoEoi)
    chip.service |= bit;
  if (fromSlave && !chips[0].autoEoi)
    chips[0].service |= 1u << 2;
  return vector;
}

} // namespace afterburner::wedge
