// pit.h: the 8254 programmable interval timer (ports 0x40-0x43) and port 0x61's
// timer bits, answered from a clock instead of the device. Reads (counter
// latches, counter bytes, the OUT2 and refresh bits a calibration loop polls)
// never touch the hardware; writes that program a channel are also passed on to
// the real PIT by the caller, so channel 0 still raises IRQ 0.
//
// Pure logic: every call takes the current time in nanoseconds.
#ifndef AFTERBURNER_WEDGES_KVM_PIT_H
#define AFTERBURNER_WEDGES_KVM_PIT_H

#include <stdint.h>

namespace afterburner::kvm {

class PitModel {
public:
  static constexpr uint64_t InputHertz = 1193182;
  static constexpr uint16_t Channel0Port = 0x40;
  static constexpr uint16_t ControlPort = 0x43;
  static constexpr uint16_t SystemControlPort = 0x61;
  static constexpr uint8_t SystemControlGate2 = 0x01;
  static constexpr uint8_t SystemControlRefresh = 0x10;
  static constexpr uint8_t SystemControlOut2 = 0x20;

  // All channels idle, port 0x61 as given (its speaker and NMI bits).
  void reset(uint8_t systemControl);
  static bool ownsTimerPort(uint16_t port) { return port >= Channel0Port && port <= ControlPort; }

  // A write to 0x40-0x43. Returns true when the hardware must see it too
  // (programming); false for latch and read-back commands, which only the model needs.
  bool writeTimer(uint16_t port, uint8_t value, uint64_t nowNanoseconds);
  uint8_t readTimer(uint16_t port, uint64_t nowNanoseconds);
  // Port 0x61: the gate of channel 2 comes from writes; reads give OUT2 and the
  // refresh toggle from the model. The caller passes writes on.
  void writeSystemControl(uint8_t value, uint64_t nowNanoseconds);
  uint8_t readSystemControl(uint64_t nowNanoseconds);

  // Input-clock ticks in a span of nanoseconds (64-bit arithmetic only).
  static uint64_t ticksIn(uint64_t nanoseconds);

private:
  struct Channel {
    uint8_t mode;       // 0..5
    uint8_t access;     // 1 low byte, 2 high byte, 3 low then high
    uint8_t bcd;        // kept for the status byte; counting is binary
    bool gate;          // channels 0 and 1: always high
    bool counting;      // a count was loaded and the gate allows counting
    bool writeHigh;     // low/high access: the next write is the high byte
    bool readHigh;      // low/high access: the next read is the high byte
    bool countLatched;  // a latch command froze the count for reading
    bool statusLatched; // a read-back command froze the status byte
    uint8_t pendingLow;
    uint8_t latchedStatus;
    uint16_t latchedCount;
    uint32_t reload;       // 1..65536 (0 written means 65536)
    bool loaded;           // a full count was written since the control word
    uint64_t ticksBefore;  // ticks counted before the current run
    uint64_t runningSince; // nanoseconds when the current run started
  };

  uint64_t ticks(const Channel &channel, uint64_t now) const;
  uint16_t count(const Channel &channel, uint64_t now) const;
  bool output(const Channel &channel, uint64_t now) const;
  void control(uint8_t value, uint64_t now);
  void readBack(uint8_t value, uint64_t now);
  void latchCount(Channel &channel, uint64_t now);
  void writeCount(Channel &channel, uint8_t value, uint64_t now);
  void start(Channel &channel, uint64_t now);
  uint8_t readCount(Channel &channel, uint64_t now);
  void setGate(Channel &channel, bool gate, uint64_t now);

  Channel Channels[3];
  uint8_t SystemControl;
};

} // namespace afterburner::kvm

#endif
