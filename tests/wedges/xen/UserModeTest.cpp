// Tests for wedges/xen/user_mode.cpp and user_x86_64.S: the SYSCALL entry turns the frame
// Xen builds into the register state SYSCALL leaves (rcx, r11, the user's rsp), keeps or
// lifts the event mask as SFMASK says; which top-level slots ring 3 may use.
#include "user_mode.h"

#include <gtest/gtest.h>

#include <stdint.h>

extern "C" {
extern unsigned char afterburner_xen_shared_page[4096];
extern uint64_t harness_hypercalls;
extern uint64_t afterburner_xen_syscall_target;
void harness_syscall_entry(uint64_t *xenFrame, uint64_t *seen);
int harness_sync_keeps_registers();
void afterburner_xen_sync_ring0_stack();

// descriptors.cpp's stack_switch, recorded (clobbering what a C++ function may).
uint64_t harness_switched_stack = 0;
unsigned harness_switches = 0;
void afterburner_xen_switch_ring0_stack(uint64_t stack) {
  harness_switched_stack = stack;
  ++harness_switches;
  afterburner_xen_ring0_stack = stack;
  asm volatile("xorl %%ecx, %%ecx; xorl %%edx, %%edx; xorl %%r8d, %%r8d; xorl %%r11d, %%r11d" ::
                   : "rcx", "rdx", "r8", "r11");
}
}

using namespace afterburner::xen;

namespace {

constexpr uint32_t MsrLstar = 0xc0000082;
constexpr uint32_t MsrSyscallMask = 0xc0000084;
constexpr uint64_t UserRip = 0x8000000123;
constexpr uint64_t UserFlags = 0x246;

struct Seen {
  uint64_t rcx, r11, rsp, mask;
};

// Xen's frame on the kernel stack, the user's stack below a guard, and what the handler saw.
struct SyscallRun {
  alignas(16) uint64_t userStack[512];
  alignas(16) uint64_t kernelStack[64];
  Seen seen{};

  uint64_t *userStackTop() { return &userStack[500]; }

  void run() {
    uint64_t *frame = &kernelStack[40];
    const uint64_t xenFrame[7] = {
        UserRip, UserFlags, UserRip, 0xe033, UserFlags, (uint64_t)userStackTop(), 0xe02b};
    for (unsigned index = 0; index < 7; ++index)
      frame[index] = xenFrame[index];
    harness_syscall_entry(frame, &seen.rcx);
  }
};

uint8_t &pending() {
  return afterburner_xen_shared_page[0];
}
uint8_t &mask() {
  return afterburner_xen_shared_page[1];
}

} // namespace

TEST(UserMode, SyscallEntryGivesTheHandlerSyscallsRegisters) {
  syscallMsrWritten(MsrSyscallMask, 0x47700);
  mask() = 1;
  SyscallRun run;
  run.run();
  EXPECT_EQ(run.seen.rcx, UserRip);
  EXPECT_EQ(run.seen.r11, UserFlags);
  EXPECT_EQ(run.seen.rsp, (uint64_t)run.userStackTop());
}

TEST(UserMode, SyscallMaskWithInterruptFlagKeepsEventsMasked) {
  syscallMsrWritten(MsrSyscallMask, 0x47700);
  mask() = 1;
  pending() = 1;
  const uint64_t hypercalls = harness_hypercalls;
  SyscallRun run;
  run.run();
  EXPECT_EQ(run.seen.mask, 1u);
  EXPECT_EQ(harness_hypercalls, hypercalls);
  pending() = 0;
}

TEST(UserMode, SyscallMaskWithoutInterruptFlagUnmasksEvents) {
  syscallMsrWritten(MsrSyscallMask, 0x400);
  mask() = 1;
  pending() = 0;
  uint64_t hypercalls = harness_hypercalls;
  SyscallRun quiet;
  quiet.run();
  EXPECT_EQ(quiet.seen.mask, 0u);
  EXPECT_EQ(harness_hypercalls, hypercalls); // nothing pending: no upcall forced
  EXPECT_EQ(quiet.seen.rsp, (uint64_t)quiet.userStackTop());

  mask() = 1;
  pending() = 1;
  SyscallRun delivering;
  delivering.run();
  EXPECT_EQ(delivering.seen.mask, 0u);
  EXPECT_EQ(harness_hypercalls, hypercalls + 1); // the pending event is delivered
  EXPECT_EQ(delivering.seen.rsp, (uint64_t)delivering.userStackTop());
  EXPECT_EQ(delivering.seen.rcx, UserRip);
  pending() = 0;
  syscallMsrWritten(MsrSyscallMask, 0x47700);
}

TEST(UserMode, LstarWriteBecomesTheEntrysTarget) {
  syscallMsrWritten(MsrLstar, 0x1234560);
  EXPECT_EQ(afterburner_xen_syscall_target, 0x1234560u);
  syscallMsrWritten(0xc0000081, 0x23001000000000); // STAR: not the target
  EXPECT_EQ(afterburner_xen_syscall_target, 0x1234560u);
}

TEST(UserMode, MachineFrameComesFromTheP2m) {
  unsigned long p2m[8] = {10, 11, 12, 13, 14, 15, 16, 17};
  start_info_t start{};
  start.mfn_list = (unsigned long)p2m;
  EXPECT_EQ(machineFrameOf(start, 5 * 4096 + 123), 15u);
  EXPECT_EQ(machineFrameOf(start, 0), 10u);
}

TEST(UserMode, OnlyUserSlotsOutsideXensReachRing3) {
  constexpr uint64_t Table = 0x123000, Present = 1, Writable = 2, User = 4;
  EXPECT_TRUE(userSlotAllowed(Table | Present | Writable | User, 1));
  EXPECT_TRUE(userSlotAllowed(Table | Present | User, 0));
  EXPECT_TRUE(userSlotAllowed(Table | Present | User, 255));
  EXPECT_TRUE(userSlotAllowed(Table | Present | User, 272));
  EXPECT_FALSE(userSlotAllowed(Table | Present | Writable, 1)); // the kernel's own
  EXPECT_FALSE(userSlotAllowed(Table | User, 1));               // not present
  EXPECT_FALSE(userSlotAllowed(0, 1));
  EXPECT_FALSE(userSlotAllowed(Table | Present | User, 256)); // Xen's
  EXPECT_FALSE(userSlotAllowed(Table | Present | User, 271));
}

TEST(UserMode, ReturnsToRing3FollowTheTaskStateRsp0) {
  uint64_t rsp0 = 0;
  afterburner_xen_tss_rsp0 = 0; // no TSS yet
  afterburner_xen_ring0_stack = 0;
  harness_switches = 0;
  afterburner_xen_sync_ring0_stack();
  EXPECT_EQ(harness_switches, 0u);
  afterburner_xen_tss_rsp0 = (uint64_t)&rsp0; // a TSS with rsp0 = 0: nothing to name
  afterburner_xen_sync_ring0_stack();
  EXPECT_EQ(harness_switches, 0u);
  rsp0 = 0x7000;
  afterburner_xen_sync_ring0_stack();
  EXPECT_EQ(harness_switches, 1u);
  EXPECT_EQ(harness_switched_stack, 0x7000u);
  afterburner_xen_sync_ring0_stack(); // unchanged: no hypercall
  EXPECT_EQ(harness_switches, 1u);
  rsp0 = 0x9000; // the kernel switched threads with a plain store
  EXPECT_EQ(harness_sync_keeps_registers(), 1);
  EXPECT_EQ(harness_switches, 2u);
  EXPECT_EQ(harness_switched_stack, 0x9000u);
  EXPECT_EQ(harness_sync_keeps_registers(), 1); // the fast path keeps them too
  EXPECT_EQ(harness_switches, 2u);
  afterburner_xen_tss_rsp0 = 0;
  afterburner_xen_ring0_stack = 0;
}
