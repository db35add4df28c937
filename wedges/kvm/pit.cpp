// pit.cpp: the 8254 counting model (Intel 8254 data sheet, modes 0-5).
#include "pit.h"

namespace afterburner::kvm {

namespace {
constexpr uint64_t NanosecondsPerSecond = 1000000000ull;
// Port 0x61 bit 4 toggles with each DRAM refresh request, about every 15.085 us;
// old delay loops count its edges.
constexpr uint64_t RefreshNanoseconds = 15085;
constexpr uint8_t ControlReadBack = 3;
constexpr uint8_t AccessLatch = 0;
constexpr uint8_t AccessLow = 1;
constexpr uint8_t AccessHigh = 2;
} // namespace

uint64_t PitModel::ticksIn(uint64_t nanoseconds) {
  // Split so that the products stay below 2^64 for any span.
  const uint64_t seconds = nanoseconds / NanosecondsPerSecond;
  const uint64_t rest = nanoseconds % NanosecondsPerSecond;
  return seconds * InputHertz + rest * InputHertz / NanosecondsPerSecond;
}

void PitModel::reset(uint8_t systemControl) {
  for (Channel &channel : Channels) {
    channel = Channel{};
    channel.gate = true;
    channel.access = 3;
    channel.reload = 0x10000;
  }
  SystemControl = systemControl & 0x0f;
  Channels[2].gate = (systemControl & SystemControlGate2) != 0;
}

uint64_t PitModel::ticks(const Channel &channel, uint64_t now) const {
  if (!channel.counting || now < channel.runningSince)
    return channel.ticksBefore;
  return channel.ticksBefore + ticksIn(now - channel.runningSince);
}

uint16_t PitModel::count(const Channel &channel, uint64_t now) const {
  const uint64_t elapsed = ticks(channel, now);
  const uint64_t reload = channel.reload;
  switch (channel.mode) {
  case 2: // rate generator: reload, reload-1, ..., 1, reload, ...
    return static_cast<uint16_t>(reload - elapsed % reload);
  case 3: { // square wave: counts down by two, twice per period
    const uint64_t half = reload / 2 ? reload / 2 : 1;
    return static_cast<uint16_t>(reload - 2 * (elapsed % reload % half));
  }
  default: // one-shot modes: down to 0, then on through 0xffff
    return static_cast<uint16_t>(reload - elapsed);
  }
}

bool PitModel::output(const Channel &channel, uint64_t now) const {
  const uint64_t elapsed = ticks(channel, now);
  switch (channel.mode) {
  case 0: // low from the control word until the terminal count
  case 1:
    return channel.loaded && elapsed >= channel.reload;
  case 2:
    return !channel.loaded || elapsed % channel.reload != channel.reload - 1;
  case 3:
    return !channel.loaded || elapsed % channel.reload < (channel.reload + 1) / 2;
  default:
    return true;
  }
}

void PitModel::latchCount(Channel &channel, uint64_t now) {
  if (channel.countLatched)
    return; // the first latch holds until it is read
  channel.latchedCount = count(channel, now);
  channel.countLatched = true;
  channel.readHigh = false;
}

void PitModel::readBack(uint8_t value, uint64_t now) {
  const bool latchCounts = (value & 0x20) == 0;
  const bool latchStatus = (value & 0x10) == 0;
  for (unsigned index = 0; index < 3; ++index) {
    if ((value & (2u << index)) == 0)
      continue;
    Channel &channel = Channels[index];
    if (latchCounts)
      latchCount(channel, now);
    if (latchStatus && !channel.statusLatched) {
      channel.latchedStatus =
          static_cast<uint8_t>((output(channel, now) ? 0x80 : 0) | (channel.loaded ? 0 : 0x40) |
                               (channel.access << 4) | (channel.mode << 1) | channel.bcd);
      channel.statusLatched = true;
    }
  }
}

void PitModel::control(uint8_t value, uint64_t now) {
  Channel &channel = Channels[value >> 6];
  const uint8_t access = (value >> 4) & 3;
  if (access == AccessLatch) {
    latchCount(channel, now);
    return;
  }
  uint8_t mode = (value >> 1) & 7;
  if (mode > 5)
    mode -= 4; // 6 and 7 are aliases of 2 and 3
  const bool gate = channel.gate;
  channel = Channel{};
  channel.gate = gate;
  channel.mode = mode;
  channel.access = access;
  channel.bcd = value & 1;
  channel.reload = 0x10000;
}

bool PitModel::writeTimer(uint16_t port, uint8_t value, uint64_t now) {
  if (port == ControlPort) {
    const bool programs = (value >> 6) != ControlReadBack && ((value >> 4) & 3) != AccessLatch;
    if ((value >> 6) == ControlReadBack)
      readBack(value, now);
    else
      control(value, now);
    return programs;
  }
  writeCount(Channels[port - Channel0Port], value, now);
  return true;
}

void PitModel::start(Channel &channel, uint64_t now) {
  channel.loaded = true;
  channel.ticksBefore = 0;
  channel.runningSince = now;
  channel.counting = channel.gate;
}

void PitModel::writeCount(Channel &channel, uint8_t value, uint64_t now) {
  uint32_t reload;
  if (channel.access == AccessLow) {
    reload = value;
  } else if (channel.access == AccessHigh) {
    reload = static_cast<uint32_t>(value) << 8;
  } else if (!channel.writeHigh) {
    channel.pendingLow = value;
    channel.writeHigh = true;
    return;
  } else {
    reload = channel.pendingLow | static_cast<uint32_t>(value) << 8;
    channel.writeHigh = false;
  }
  channel.reload = reload == 0 ? 0x10000 : reload;
  start(channel, now);
}

uint8_t PitModel::readCount(Channel &channel, uint64_t now) {
  const uint16_t value = channel.countLatched ? channel.latchedCount : count(channel, now);
  bool high = channel.access == AccessHigh;
  bool done = true;
  if (channel.access != AccessLow && channel.access != AccessHigh) {
    high = channel.readHigh;
    done = channel.readHigh;
    channel.readHigh = !channel.readHigh;
  }
  if (done)
    channel.countLatched = false;
  return static_cast<uint8_t>(high ? value >> 8 : value);
}

uint8_t PitModel::readTimer(uint16_t port, uint64_t now) {
  if (port == ControlPort)
    return 0xff; // the control register cannot be read
  Channel &channel = Channels[port - Channel0Port];
  if (channel.statusLatched) {
    channel.statusLatched = false;
    return channel.latchedStatus;
  }
  return readCount(channel, now);
}

void PitModel::setGate(Channel &channel, bool gate, uint64_t now) {
  if (gate == channel.gate)
    return;
  channel.gate = gate;
  if (!gate) {
    channel.ticksBefore = ticks(channel, now);
    channel.counting = false;
    return;
  }
  // A rising gate resumes modes 0 and 4 and restarts the others from the reload.
  if (channel.mode != 0 && channel.mode != 4)
    channel.ticksBefore = 0;
  channel.runningSince = now;
  channel.counting = channel.loaded;
}

void PitModel::writeSystemControl(uint8_t value, uint64_t now) {
  SystemControl = value & 0x0f;
  setGate(Channels[2], (value & SystemControlGate2) != 0, now);
}

uint8_t PitModel::readSystemControl(uint64_t now) {
  uint8_t value = SystemControl;
  if ((now / RefreshNanoseconds) & 1)
    value |= SystemControlRefresh;
  if (output(Channels[2], now))
    value |= SystemControlOut2;
  return value;
}

} // namespace afterburner::kvm
