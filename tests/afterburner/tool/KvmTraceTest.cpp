// Tests of afterburner/tool/KvmTrace.cpp: tracefs lines of KVM's events into exit counts.
// The lines are in the exact format this machine's kernel prints (kvm_pvm: no kvm_exit)
// and, for kvm_exit, a VMX host's.
#include "KvmTrace.h"

#include <gtest/gtest.h>

#include <string>

namespace afterburner::tool {
namespace {

std::string traceLine(const std::string &event) {
  return " qemu-system-x86-17758   [000] .....  5008.180870: " + event;
}

uint64_t countOf(const KvmExitTally &tally, const std::string &key) {
  auto found = tally.reasons().find(key);
  return found == tally.reasons().end() ? 0 : found->second;
}

TEST(KvmTracePortDevice, NamesTheRangesOfTheSamplesAndTheWedge) {
  EXPECT_STREQ(portDevice(0x3f8), "uart");
  EXPECT_STREQ(portDevice(0x3ff), "uart");
  EXPECT_STREQ(portDevice(0x40), "pit");
  EXPECT_STREQ(portDevice(0x43), "pit");
  EXPECT_STREQ(portDevice(0x61), "pit");
  EXPECT_STREQ(portDevice(0x20), "pic");
  EXPECT_STREQ(portDevice(0xa1), "pic");
  EXPECT_STREQ(portDevice(0x80), "io_delay");
  EXPECT_STREQ(portDevice(0xf4), "debug_exit");
  EXPECT_STREQ(portDevice(0xcf8), "pci_config");
  EXPECT_STREQ(portDevice(0xcfe), "pci_config");
  EXPECT_STREQ(portDevice(0x511), "fw_cfg");
  EXPECT_STREQ(portDevice(0xc010), "virtio");
  EXPECT_STREQ(portDevice(0x44), "other");
  EXPECT_STREQ(portDevice(0x3f7), "other");
  EXPECT_STREQ(portDevice(0x4d0), "other");
}

TEST(KvmTraceMmioDevice, NamesTheApicsAndTheHpet) {
  EXPECT_STREQ(mmioDevice(0xfee000f0), "lapic");
  EXPECT_STREQ(mmioDevice(0xfec00010), "ioapic");
  EXPECT_STREQ(mmioDevice(0xfed00000), "hpet");
  EXPECT_STREQ(mmioDevice(0xfebf0000), "other");
}

TEST(KvmExitTally, CountsPortAccessesByDeviceAndDirection) {
  KvmExitTally tally;
  tally.addLine(traceLine("kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x41 "));
  tally.addLine(traceLine("kvm_pio: pio_read at 0x3fd size 1 count 1 val 0x60 "));
  tally.addLine(traceLine("kvm_pio: pio_read at 0x3fd size 1 count 1 val 0x60 "));
  tally.addLine(traceLine("kvm_pio: pio_write at 0xcf8 size 4 count 1 val 0x80000000 "));
  tally.addLine(traceLine("kvm_pio: pio_write at 0x3f8 size 1 count 4 val 0x41 (...)"));
  EXPECT_EQ(countOf(tally, "pio uart out"), 2u);
  EXPECT_EQ(countOf(tally, "pio uart in"), 2u);
  EXPECT_EQ(countOf(tally, "pio pci_config out"), 1u);
  EXPECT_EQ(tally.total(), 5u);
  EXPECT_FALSE(tally.sawHardwareExits());
}

TEST(KvmExitTally, CountsCpuidByLeafAndMsrByIndexAndDirection) {
  KvmExitTally tally;
  tally.addLine(traceLine("kvm_cpuid: func 40000000 idx 0 rax 40000001 rbx 4b4d564b rcx "
                          "564b4d56 rdx 4d, cpuid entry found"));
  tally.addLine(traceLine("kvm_cpuid: func 0 idx 0 rax 1c rbx 756e6547 rcx 6c65746e rdx "
                          "49656e69, cpuid entry found"));
  tally.addLine(traceLine("kvm_cpuid: func 0 idx 0 rax 1c rbx 756e6547 rcx 6c65746e rdx "
                          "49656e69, cpuid entry found"));
  tally.addLine(traceLine("kvm_msr: msr_read c0000080 = 0xd00"));
  tally.addLine(traceLine("kvm_msr: msr_write 4b564d01 = 0x1f00001"));
  tally.addLine(traceLine("kvm_msr: msr_read 10a = 0x0 (#GP)"));
  EXPECT_EQ(countOf(tally, "cpuid 0x40000000"), 1u);
  EXPECT_EQ(countOf(tally, "cpuid 0x0"), 2u);
  EXPECT_EQ(countOf(tally, "msr read 0xc0000080"), 1u);
  EXPECT_EQ(countOf(tally, "msr write 0x4b564d01"), 1u);
  EXPECT_EQ(countOf(tally, "msr read 0x10a"), 1u);
  EXPECT_EQ(tally.total(), 6u);
}

TEST(KvmExitTally, CountsMmioByDeviceAndAReadQemuCompletesOnce) {
  KvmExitTally tally;
  tally.addLine(traceLine("kvm_mmio: mmio write len 4 gpa 0xfee000f0 val 0x1ff"));
  tally.addLine(traceLine("kvm_mmio: mmio unsatisfied-read len 4 gpa 0xfebf1000 val 0x0"));
  tally.addLine(traceLine("kvm_mmio: mmio read len 4 gpa 0xfebf1000 val 0x5"));
  tally.addLine(traceLine("kvm_mmio: mmio read len 4 gpa 0xfee00030 val 0x50014"));
  EXPECT_EQ(countOf(tally, "mmio lapic write"), 1u);
  EXPECT_EQ(countOf(tally, "mmio other read"), 1u);
  EXPECT_EQ(countOf(tally, "mmio lapic read"), 1u);
  EXPECT_EQ(tally.total(), 3u);
}

TEST(KvmExitTally, CountsHaltsHypercallsAndUserspaceExitsApart) {
  KvmExitTally tally;
  tally.addLine(traceLine("kvm_vcpu_wakeup: wait time 9963083 ns, polling valid"));
  tally.addLine(traceLine("kvm_hypercall: nr 0x9 a0 0x0 a1 0x0 a2 0x0 a3 0x0"));
  tally.addLine(traceLine("kvm_userspace_exit: reason KVM_EXIT_IO (2)"));
  tally.addLine(traceLine("kvm_userspace_exit: reason KVM_EXIT_IO (2)"));
  tally.addLine(traceLine("kvm_userspace_exit: reason restart (4)"));
  EXPECT_EQ(countOf(tally, "hlt"), 1u);
  EXPECT_EQ(countOf(tally, "hypercall 0x9"), 1u);
  EXPECT_EQ(tally.total(), 2u); // exits handed to QEMU are a subset, not added
  EXPECT_EQ(tally.userspaceTotal(), 3u);
  EXPECT_EQ(tally.userspaceExits().at("KVM_EXIT_IO"), 2u);
  EXPECT_EQ(tally.userspaceExits().at("restart"), 1u);
}

TEST(KvmExitTally, TakesTheTotalFromKvmExitWhenTheHostEmitsIt) {
  KvmExitTally tally;
  tally.addLine(traceLine("kvm_exit: vcpu 0 reason IO_INSTRUCTION rip 0x101234 info1 "
                          "0x0000000003f80008 info2 0x0000000000000000 intr_info 0x00000000 "
                          "error_code 0x00000000 requests 0x0000000000000000"));
  tally.addLine(traceLine("kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x41 "));
  tally.addLine(traceLine("kvm_exit: vcpu 0 reason HLT rip 0x101240 info1 0x0000000000000000 "
                          "info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000 "
                          "requests 0x0000000000000000"));
  tally.addLine(traceLine("kvm_vcpu_wakeup: wait time 1000 ns, polling valid"));
  EXPECT_TRUE(tally.sawHardwareExits());
  EXPECT_EQ(countOf(tally, "exit IO_INSTRUCTION"), 1u);
  EXPECT_EQ(countOf(tally, "exit HLT"), 1u);
  EXPECT_EQ(countOf(tally, "pio uart out"), 1u); // refines the IO_INSTRUCTION line
  EXPECT_EQ(tally.total(), 2u);
}

TEST(KvmExitTally, IgnoresCommentsOtherEventsAndMalformedLines) {
  KvmExitTally tally;
  tally.addLine("# tracer: nop");
  tally.addLine("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION");
  tally.addLine("");
  tally.addLine(traceLine("kvm_fpu: load"));
  tally.addLine(traceLine("kvm_set_irq: gsi 0 level 1 source 0"));
  tally.addLine(traceLine("kvm_pio: pio_write at nowhere"));
  tally.addLine(traceLine("kvm_cpuid:"));
  tally.addLine("kvm_pio: pio_read at 0xzz size 1 count 1 val 0x0");
  EXPECT_TRUE(tally.reasons().empty());
  EXPECT_EQ(tally.total(), 0u);
}

TEST(KvmExitTally, FindsTheEventAfterATaskNameWithSpaces) {
  KvmExitTally tally;
  tally.addLine(" CPU 0/KVM-4242   [001] d..1.  12.000001: kvm_pio: pio_read at 0x61 size 1 "
                "count 1 val 0x20 ");
  EXPECT_EQ(countOf(tally, "pio pit in"), 1u);
}

} // namespace
} // namespace afterburner::tool
