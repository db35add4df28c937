// Tests for wedges/common/entry_x86_64.S and entry.h: hand-written call-form sites
// (sites_x86_64.S) enter real handlers through the real trampolines.
#include <afterburner/common/entry.h>
#include <afterburner/common/frame.h>
#include <afterburner/wedge_abi.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace {

struct TestRegisters {
  uint64_t gpr[16]; // by x86 number; [4] (rsp) unused
  uint64_t rflags;
};

} // namespace

extern "C" {
void test_run_plain_site(TestRegisters *registers);
void test_run_push_site(TestRegisters *registers);
void test_run_pop_site(TestRegisters *registers);
void test_run_jump_site(TestRegisters *registers);
void test_run_unimplemented_site();
extern const unsigned char test_plain_site[], test_push_site[], test_pop_site[];
extern const unsigned char test_jump_target[];
extern const afterburner_site test_plain_record, test_push_record, test_pop_record;
extern uint64_t test_rsp_before, test_rsp_after, test_pushed_value;
}

namespace {

constexpr uint64_t carryFlag = 1;
constexpr uint64_t zeroFlag = 1 << 6;

// What the handlers saw.
afterburner_frame seenFrame;
const afterburner_site *seenSite;
uintptr_t seenFrameAddress;
uint64_t poppedValue;

void remember(const afterburner_frame *frame, const afterburner_site *site) {
  seenFrame = *frame;
  seenSite = site;
  seenFrameAddress = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
}

// Emulates an instruction that writes rax and sets CF, like rdmsr/lar would.
AFTERBURNER_SITE_HANDLER(testPlainEntry, frame, site) {
  remember(frame, site);
  frame->rax = 0x1234;
  frame->rdx = 0x5678;
  frame->rflags |= carryFlag;
  frame->rsp = 0; // ignored by plain entries
}

// pushf-like: pushes one word on the interrupted stack.
AFTERBURNER_STACK_SITE_HANDLER(testPushEntry, frame, site) {
  remember(frame, site);
  afterburner_frame_push(frame, 0xabcdef0123ull, 8);
}

// pop-sreg-like: pops one word.
AFTERBURNER_STACK_SITE_HANDLER(testPopEntry, frame, site) {
  remember(frame, site);
  poppedValue = afterburner_frame_pop(frame, 8);
}

// A control transfer: continue elsewhere.
AFTERBURNER_STACK_SITE_HANDLER(testJumpEntry, frame, site) {
  remember(frame, site);
  frame->rip = reinterpret_cast<uintptr_t>(test_jump_target);
  frame->rflags &= ~zeroFlag;
}

// The .S file calls the entries by these global names.
asm(".globl test_plain_entry\n.set test_plain_entry, testPlainEntry\n"
    ".globl test_push_entry\n.set test_push_entry, testPushEntry\n"
    ".globl test_pop_entry\n.set test_pop_entry, testPopEntry\n"
    ".globl test_jump_entry\n.set test_jump_entry, testJumpEntry\n");

TestRegisters distinctRegisters() {
  TestRegisters registers = {};
  for (unsigned number = 0; number < 16; ++number)
    registers.gpr[number] = 0x1111111111111111ull * (number + 1) + number;
  registers.rflags = 0x202 | zeroFlag; // IF, reserved bit 1, ZF
  return registers;
}

void expectFrameHolds(const TestRegisters &registers) {
  afterburner_frame frame = seenFrame;
  for (unsigned number = 0; number < 16; ++number) {
    if (number == 4)
      continue;
    EXPECT_EQ(*afterburner_frame_register(&frame, number), registers.gpr[number]) << number;
  }
  EXPECT_EQ(seenFrame.rflags & 0xcd5, registers.rflags & 0xcd5);
}

TEST(Trampoline, PlainEntrySavesEverythingAndReturnsToTheSite) {
  TestRegisters registers = distinctRegisters();
  const TestRegisters before = registers;
  test_run_plain_site(&registers);
  expectFrameHolds(before);
  EXPECT_EQ(seenSite, &test_plain_record);
  EXPECT_EQ(seenFrame.rip, reinterpret_cast<uintptr_t>(test_plain_site) + 5);
  EXPECT_EQ(seenFrame.rsp, test_rsp_before);
  EXPECT_EQ(seenFrameAddress % 16, 0u) << "handler stack must be 16-byte aligned";
  // The handler's changes, and only those, reach the interrupted code.
  for (unsigned number = 0; number < 16; ++number) {
    if (number == 4)
      continue;
    const uint64_t expected = number == 0 ? 0x1234 : number == 2 ? 0x5678 : before.gpr[number];
    EXPECT_EQ(registers.gpr[number], expected) << number;
  }
  EXPECT_TRUE(registers.rflags & carryFlag);
  EXPECT_TRUE(registers.rflags & zeroFlag);
  EXPECT_EQ(test_rsp_after, test_rsp_before);
}

TEST(Trampoline, StackEntryPushesOnTheInterruptedStack) {
  TestRegisters registers = distinctRegisters();
  const TestRegisters before = registers;
  test_run_push_site(&registers);
  expectFrameHolds(before);
  EXPECT_EQ(seenSite, &test_push_record);
  EXPECT_EQ(seenFrame.rip, reinterpret_cast<uintptr_t>(test_push_site) + 12);
  EXPECT_EQ(seenFrame.rsp, test_rsp_before);
  EXPECT_EQ(test_rsp_after, test_rsp_before - 8);
  EXPECT_EQ(test_pushed_value, 0xabcdef0123ull);
  for (unsigned number = 0; number < 16; ++number) {
    if (number == 4)
      continue;
    EXPECT_EQ(registers.gpr[number], before.gpr[number]) << number;
  }
  EXPECT_EQ(registers.rflags & 0xcd5, before.rflags & 0xcd5);
}

TEST(Trampoline, StackEntryPopsFromTheInterruptedStack) {
  TestRegisters registers = distinctRegisters();
  test_run_pop_site(&registers);
  EXPECT_EQ(seenSite, &test_pop_record);
  EXPECT_EQ(poppedValue, 0x5151u);
  EXPECT_EQ(test_rsp_after, test_rsp_before + 8);
  EXPECT_EQ(seenFrame.rip, reinterpret_cast<uintptr_t>(test_pop_site) + 12);
}

TEST(Trampoline, StackEntryMayRedirectExecution) {
  TestRegisters registers = distinctRegisters();
  const TestRegisters before = registers;
  test_run_jump_site(&registers);
  EXPECT_EQ(test_rsp_after, test_rsp_before);
  EXPECT_FALSE(registers.rflags & zeroFlag);
  EXPECT_EQ(registers.gpr[0], before.gpr[0]);
  EXPECT_EQ(registers.gpr[15], before.gpr[15]);
}

TEST(Trampoline, RecordOfCallMatchesTheTrampolinesLookup) {
  TestRegisters registers = distinctRegisters();
  test_run_plain_site(&registers);
  EXPECT_EQ(afterburner_record_of_call(seenFrame.rip), seenSite);
}

TEST(Trampoline, FramePushAndPopHonourWidths) {
  alignas(8) unsigned char stack[32] = {};
  afterburner_frame frame = {};
  frame.rsp = reinterpret_cast<uintptr_t>(stack + sizeof stack);
  afterburner_frame_push(&frame, 0x1122, 2);
  EXPECT_EQ(frame.rsp, reinterpret_cast<uintptr_t>(stack + 30));
  EXPECT_EQ(stack[30], 0x22);
  afterburner_frame_push(&frame, 0x33445566, 4);
  EXPECT_EQ(afterburner_frame_pop(&frame, 4), 0x33445566u);
  EXPECT_EQ(afterburner_frame_pop(&frame, 2), 0x1122u);
  EXPECT_EQ(afterburner_frame_register(&frame, 4), nullptr);
  EXPECT_EQ(afterburner_frame_register(&frame, 16), nullptr);
}

void writeToStderr(const char *text, size_t length) {
  if (write(2, text, length) < 0)
    std::abort();
}
void exitThree() {
  _exit(3);
}

TEST(TrampolineDeathTest, UnimplementedEntryNamesTheOpAndHalts) {
  EXPECT_EXIT(
      {
        afterburner_common_set_console(writeToStderr);
        afterburner_common_set_halt(exitThree);
        test_run_unimplemented_site();
      },
      ::testing::ExitedWithCode(3), "afterburner: unimplemented op cli \\(1\\) at site 0x");
}

TEST(TrampolineDeathTest, PanicPrintsAndHalts) {
  EXPECT_EXIT(
      {
        afterburner_common_set_console(writeToStderr);
        afterburner_common_set_halt(exitThree);
        afterburner_common_panic("wedge lost its hypercall page");
      },
      ::testing::ExitedWithCode(3), "afterburner: wedge lost its hypercall page");
}

} // namespace
