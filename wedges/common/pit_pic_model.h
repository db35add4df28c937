// pit_pic_model.h: just enough of the legacy PC timer (8253/8254 PIT) and interrupt
// controller (two cascaded 8259A PICs) for a wedge to run a bare-metal kernel's timer code
// on a hypervisor that has neither.
//
// The kernel programs these devices through port I/O sites; the wedge forwards every access
// here. The model is pure logic: time is an argument (nanoseconds from any monotonic
// clock), and the model never calls out. The wedge asks it what to do next:
//   - channel0Timer(): whether channel 0 runs, periodic or one-shot, and its period, so
//     the wedge can arm the hypervisor's timer;
//   - timerExpired() when that timer fires, which raises IRQ 0 when the PIC allows;
//   - nextVector()/acknowledge() to deliver the highest-priority pending IRQ to the
//     vector the kernel's ICW2 programming chose, and EOI writes to retire it.
// Counter reads (latch commands, live reads, port 0x61's OUT2 bit) are derived from the
// time argument, so TSC calibration against the PIT works on any clock the wedge has.
//
// Shared by the wedges that emulate a PC for a kernel (Xen PV, Akaros vthreads).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace afterburner::wedge {

// The PIT's input clock: 1.193182 MHz.
constexpr uint64_t PitFrequencyHz = 1193182;

// The ports this model owns.
constexpr uint16_t PitChannel0Port = 0x40;
constexpr uint16_t PitChannel2Port = 0x42;
constexpr uint16_t PitControlPort = 0x43;
constexpr uint16_t SystemControlPortB = 0x61; // gate and OUT of channel 2, speaker
constexpr uint16_t PicMasterCommandPort = 0x20;
constexpr uint16_t PicMasterDataPort = 0x21;
constexpr uint16_t PicSlaveCommandPort = 0xa0;
constexpr uint16_t PicSlaveDataPort = 0xa1;

// What channel 0 asks of the wedge's timer.
struct PitTimerRequest {
  bool running;      // false: no timer needed
  bool periodic;     // modes 2 and 3; otherwise one-shot (mode 0, 1, 4, 5)
  uint64_t periodNs; // time to the (first) terminal count
};

// One 8254 counter.
class PitChannel {
public:
  void writeControl(uint8_t control, uint64_t nowNs);
  void writeData(uint8_t value, uint64_t nowNs);
  uint8_t readData(uint64_t nowNs);
  // The counter's current value and its OUT pin at nowNs.
  uint16_t count(uint64_t nowNs) const;
  bool output(uint64_t nowNs) const;
  bool gate() const { return gateHigh; }
  void setGate(bool high, uint64_t nowNs);
  bool isRunning() const { return running; }
  uint8_t mode() const { return operatingMode; }
  // The reload value as a tick count (0 means 65536).
  uint32_t reloadTicks() const { return reload == 0 ? 0x10000u : reload; }
  uint64_t startNs() const { return loadedAtNs; }

private:
  uint64_t elapsedTicks(uint64_t nowNs) const;
  void latch(uint64_t nowNs);

  uint16_t reload = 0;
  uint8_t accessMode = 3; // 1 low, 2 high, 3 low then high
  uint8_t operatingMode = 0;
  bool writeHighNext = false;
  bool readHighNext = false;
  bool latched = false;
  uint16_t latchedValue = 0;
  uint8_t pendingLow = 0;
  bool running = false;
  bool gateHigh = true;
  uint64_t loadedAtNs = 0;
};

// The programmable interval timer: three channels behind ports 0x40-0x43, and port 0x61.
class PitModel {
public:
  void write(uint16_t port, uint8_t value, uint64_t nowNs);
  uint8_t read(uint16_t port, uint64_t nowNs);
  static bool ownsPort(uint16_t port);
  PitTimerRequest channel0Timer() const;
  // True once after each write that changed channel 0's timing: the wedge re-arms.
  bool takeTimerChanged();
  const PitChannel &channel(unsigned index) const { return channels[index]; }

private:
  PitChannel channels[3];
  uint8_t portB = 0;
  bool refreshToggle = false;
  bool timerChanged = false;
};

// Two cascaded 8259A controllers seen as 16 lines: master IRQ 0-7, slave IRQ 8-15 behind
// the master's IRQ 2. Fully nested mode, edge triggered; no special mask or rotation.
class PicModel {
public:
  void write(uint16_t port, uint8_t value);
  uint8_t read(uint16_t port) const;
  static bool ownsPort(uint16_t port);
  // Asserts an interrupt line (an edge): sets its request bit.
  void raise(unsigned irq);
  // The vector of the highest-priority request the masks and in-service bits allow, or
  // -1 when none can be delivered now.
  int nextVector() const;
  // Delivers that request: moves it from request to in-service (unless auto-EOI) and
  // returns its vector, or -1.
  int acknowledge();
  bool initialized(unsigned controller) const { return chips[controller].vectorBase != 0; }
  uint16_t mask() const { return uint16_t(chips[0].mask | chips[1].mask << 8); }
  uint16_t requests() const { return uint16_t(chips[0].request | chips[1].request << 8); }
  uint16_t inService() const { return uint16_t(chips[0].service | chips[1].service << 8); }

private:
  struct Chip {
    uint8_t vectorBase = 0;
    uint8_t mask = 0xff; // firmware leaves lines masked until the kernel programs them
    uint8_t request = 0;
    uint8_t service = 0;
    uint8_t initStep = 0; // 0: operational; 1..3: expecting ICW2..ICW4
    bool expectIcw4 = false;
    bool autoEoi = false;
    bool readService = false; // OCW3: command port reads ISR instead of IRR
  };
  void writeCommand(Chip &chip, uint8_t value);
  void writeData(Chip &chip, uint8_t value);
  // The highest-priority deliverable line of one chip (0-7), or -1.
  static int pendingLine(const Chip &chip);
  static void endOfInterrupt(Chip &chip, uint8_t command);

  Chip chips[2];
};

} // namespace afterburner::wedge
