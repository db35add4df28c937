// VmcallTableTest.cpp: Akaros's vmcall number spaces (wedges/akaros/host/VmcallTable.cpp).
#include "VmcallTable.h"

#include "akaros_abi.h"

#include <gtest/gtest.h>

namespace afterburner::akaros {
namespace {

VmTrapframe call(uint64_t number, uint64_t rdi = 0, uint64_t rsi = 0) {
  VmTrapframe frame{};
  frame.rax = number;
  frame.rdi = rdi;
  frame.rsi = rsi;
  return frame;
}

TEST(VmcallTableTest, DefaultTable) {
  VmcallDecision print = decideDefaultVmcall(call(AKAROS_VMCALL_PRINTC, 'x'), 0);
  EXPECT_EQ(print.action, VmcallAction::Print);
  EXPECT_EQ(print.argument, uint64_t('x'));
  VmcallDecision boot = decideDefaultVmcall(call(AKAROS_VMCALL_SMPBOOT, 0x1000, 0x2000), 0);
  EXPECT_EQ(boot.action, VmcallAction::StartPcore);
  EXPECT_EQ(boot.argument, 0x1000u);
  EXPECT_EQ(boot.second, 0x2000u);
  EXPECT_EQ(decideDefaultVmcall(call(AKAROS_VMCALL_GET_TSCFREQ), 3).action,
            VmcallAction::TscFrequency);
  EXPECT_EQ(decideDefaultVmcall(call(AKAROS_VMCALL_SHUTDOWN), 0).action, VmcallAction::Shutdown);
}

TEST(VmcallTableTest, OnlyPcoreZeroBootsOthers) {
  EXPECT_EQ(decideDefaultVmcall(call(AKAROS_VMCALL_SMPBOOT, 0x1000, 0x2000), 1).action,
            VmcallAction::Refuse);
}

TEST(VmcallTableTest, TraceReportsTheRaxSavedInR11) {
  VmTrapframe frame = call(AKAROS_VMCALL_TRACE_TF);
  frame.r11 = 0x1234;
  VmcallDecision trace = decideDefaultVmcall(frame, 0);
  EXPECT_EQ(trace.action, VmcallAction::Trace);
  EXPECT_EQ(trace.argument, 0x1234u);
}

TEST(VmcallTableTest, UnknownNumbersAreRefused) {
  EXPECT_EQ(decideDefaultVmcall(call(0), 0).action, VmcallAction::Refuse);
  EXPECT_EQ(decideDefaultVmcall(call(6), 0).action, VmcallAction::Refuse);
  EXPECT_EQ(decideVthreadVmcall(call(AKAROS_VTH_VMCALL_NEXT)).action, VmcallAction::Refuse);
}

TEST(VmcallTableTest, VthreadTable) {
  EXPECT_EQ(decideVthreadVmcall(call(AKAROS_VTH_VMCALL_NULL)).action, VmcallAction::Nothing);
  EXPECT_EQ(decideVthreadVmcall(call(AKAROS_VTH_VMCALL_PRINTC, 'y')).argument, uint64_t('y'));
  VmcallDecision exit = decideVthreadVmcall(call(AKAROS_VTH_VMCALL_EXIT, 42));
  EXPECT_EQ(exit.action, VmcallAction::ExitVthread);
  EXPECT_EQ(exit.argument, 42u);
}

TEST(VmcallTableTest, TheTwoTablesDisagreeOnTwo) {
  // Why vthread users must override vm->vmcall: 2 is SMPBOOT by default, EXIT for vthreads.
  EXPECT_EQ(decideDefaultVmcall(call(2, 0x1000), 0).action, VmcallAction::StartPcore);
  EXPECT_EQ(decideVthreadVmcall(call(2, 0x1000)).action, VmcallAction::ExitVthread);
}

} // namespace
} // namespace afterburner::akaros
