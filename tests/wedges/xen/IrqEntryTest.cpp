// Tests for wedges/xen/irq_x86_64.S and irq_templates.inc: the pushf, popf and iretq inline
// code, the sti pending check and the far-return entry, run on the host CPU as patched sites
// run them.
#include "flag_merge.h"
#include "irq_templates.h"

#include <gtest/gtest.h>

#include <afterburner/site_abi.h>

#include <cstring>
#include <stdint.h>

extern "C" {
extern unsigned char afterburner_xen_shared_page[4096];
extern const uint8_t afterburner_xen_pushf_template[];
extern const uint8_t afterburner_xen_popf_template[];
extern const uint8_t afterburner_xen_popf_slow[];
extern const uint8_t afterburner_xen_iret_template[];
extern const uint8_t afterburner_xen_iret_entry[];
extern uint64_t harness_iret_frame[5];
int harness_iret(uint64_t cs, uint64_t flags);
extern uint64_t harness_hypercalls;
uint64_t harness_pushf(uint64_t flags);
uint64_t harness_popf(uint64_t image);
uint64_t harness_popf_rax(uint64_t image, uint64_t rax);
uint64_t harness_sti(uint64_t flags);
int harness_far_ret();
uint64_t harness_site_cpu(uint64_t flags, uint64_t *rax);
uint64_t harness_site_port_io(uint64_t flags, uint64_t *rax);

// What the trampolines and callbacks in irq_x86_64.S call; unused by these tests
// (io_x86_64.S's afterburner_xen_port_io is IoEntryTest's).
// Write rax and clobber the real flags, as any C++ handler may.
void afterburner_xen_handle_cpu(uint64_t *frame, const void *) {
  frame[15] = frame[15] * 6; // rax
  asm volatile("std; xorl %%eax, %%eax; cld" ::: "eax", "cc");
}
void afterburner_xen_handle_mmu() {}
void afterburner_xen_handle_descriptor() {}
uint64_t afterburner_xen_on_event() {
  return 0;
}
void afterburner_xen_on_failsafe() {}
int afterburner_xen_on_page_fault(uint64_t) {
  return 0;
}
}

using namespace afterburner::xen;

namespace {

constexpr uint64_t Arithmetic = 0x8d5; // CF PF AF ZF SF OF
constexpr uint64_t Reserved = 0x2;

uint8_t &pending() {
  return afterburner_xen_shared_page[0];
}
uint8_t &mask() {
  return afterburner_xen_shared_page[1];
}

// The loader moves each rel32 field irq.cpp lists (irq_templates.h's offsets): each must
// be the displacement of the mask, the pending byte or the slow path.
// An immediate after the field moves the instruction's end, which rip-relative counts from.
const uint8_t *relativeTarget(const uint8_t *code, unsigned offset, unsigned immediate = 0) {
  int32_t displacement;
  std::memcpy(&displacement, code + offset, sizeof displacement);
  return code + offset + sizeof displacement + immediate + displacement;
}

} // namespace

TEST(IrqEntry, PushfShowsTheMaskAsIf) {
  for (uint64_t pattern : {uint64_t(0), Arithmetic, uint64_t(0x41), uint64_t(0x880)}) {
    mask() = 1;
    uint64_t image = harness_pushf(pattern | Reserved | FlagInterrupt);
    EXPECT_EQ(image & Arithmetic, pattern);
    EXPECT_FALSE(image & FlagInterrupt);
    mask() = 0;
    image = harness_pushf(pattern | Reserved | FlagInterrupt);
    EXPECT_EQ(image & Arithmetic, pattern);
    EXPECT_TRUE(image & FlagInterrupt);
  }
}

TEST(IrqEntry, PopfLoadsArithmeticFlagsAndSetsTheMask) {
  pending() = 0;
  for (uint64_t pattern : {uint64_t(0), Arithmetic, uint64_t(0x84), uint64_t(0x801)}) {
    uint64_t flags = harness_popf(pattern | Reserved);
    EXPECT_EQ(flags & Arithmetic, pattern);
    EXPECT_EQ(mask(), 1);
    flags = harness_popf(pattern | Reserved | FlagInterrupt);
    EXPECT_EQ(flags & Arithmetic, pattern);
    EXPECT_EQ(mask(), 0);
  }
}

TEST(IrqEntry, PopfLoadsTheDirectionFlag) {
  pending() = 0;
  EXPECT_TRUE(harness_popf(0x400 | Reserved) & 0x400);
  EXPECT_FALSE(harness_popf(Reserved) & 0x400);
  EXPECT_EQ(harness_popf(0x400 | 0x800 | 0x1 | Reserved) & (0x400 | Arithmetic), 0xc01u);
}

TEST(IrqEntry, PopfSlowPathLoadsWhatPopfqLoads) {
  pending() = 0;
  constexpr uint64_t Nested = 0x4000; // NT: loadable in ring 3, not by the fast path
  for (uint64_t image : {Nested | 0x85 | Reserved, Nested | 0x800 | Reserved | FlagInterrupt,
                         uint64_t(0x400 | 0x41 | Reserved)}) {
    const uint64_t flags = harness_popf(image);
    EXPECT_EQ(flags & (Arithmetic | 0x400 | Nested), image & (Arithmetic | 0x400 | Nested));
    EXPECT_EQ(mask(), (image & FlagInterrupt) ? 0 : 1);
  }
}

TEST(IrqEntry, PopfKeepsRaxOnBothPaths) {
  pending() = 0;
  constexpr uint64_t Value = 0x0123456789abcdefull;
  EXPECT_EQ(harness_popf_rax(0x85 | Reserved, Value), Value);         // fast path
  EXPECT_EQ(harness_popf_rax(0x400 | 0x85 | Reserved, Value), Value); // slow path
}

TEST(IrqEntry, PopfNeverLoadsAlignmentCheck) {
  pending() = 0;
  constexpr uint64_t AlignmentCheck = 0x40000;
  EXPECT_FALSE(harness_popf(AlignmentCheck | Reserved) & AlignmentCheck);         // fast path
  EXPECT_FALSE(harness_popf(AlignmentCheck | 0x400 | Reserved) & AlignmentCheck); // slow path
}

TEST(IrqEntry, PopfWithAnEventPendingWhileMaskedOnlyLoads) {
  pending() = 1;
  const uint64_t before = harness_hypercalls;
  for (uint64_t pattern : {uint64_t(0x8c5), uint64_t(0xd5), uint64_t(0)}) {
    mask() = 0;
    EXPECT_EQ(harness_popf(pattern | Reserved) & Arithmetic, pattern); // the slow path
    EXPECT_EQ(mask(), 1);
  }
  EXPECT_EQ(harness_hypercalls, before);
  pending() = 0;
}

TEST(IrqEntry, TemplateRelativeFieldsAreTheOnesListed) {
  EXPECT_EQ(relativeTarget(afterburner_xen_pushf_template, AFTERBURNER_XEN_PUSHF_MASK_REL),
            &mask());
  EXPECT_EQ(relativeTarget(afterburner_xen_popf_template, AFTERBURNER_XEN_POPF_MASK_REL), &mask());
  EXPECT_EQ(relativeTarget(afterburner_xen_popf_template, AFTERBURNER_XEN_POPF_PENDING_REL, 1),
            &pending()); // cmpb $0
  EXPECT_EQ(relativeTarget(afterburner_xen_popf_template, AFTERBURNER_XEN_POPF_SLOW_REL),
            afterburner_xen_popf_slow);
  EXPECT_LE(AFTERBURNER_XEN_PUSHF_LENGTH, AFTERBURNER_SITE_SIZE_PUSHF);
  EXPECT_LE(AFTERBURNER_XEN_POPF_LENGTH, AFTERBURNER_SITE_SIZE_POPF);
}

constexpr uint64_t KernelCs = 0xe030; // Xen's FLAT_KERNEL_CS64 with the RPL it clears
constexpr uint64_t UserCs = 0xe033;   // FLAT_USER_CS64: RPL 3
constexpr int ReturnedInPlace = 1;
constexpr int WentToTheEntry = 2;

TEST(IrqEntry, IretToTheKernelWithIfSetUnmasksAndReturnsInPlace) {
  mask() = 1;
  pending() = 0;
  const uint64_t before = harness_hypercalls;
  EXPECT_EQ(harness_iret(KernelCs, Reserved | FlagInterrupt), ReturnedInPlace);
  EXPECT_EQ(mask(), 0);
  EXPECT_EQ(harness_hypercalls, before);
}

TEST(IrqEntry, IretToTheKernelWithIfClearMasksAndReturnsInPlace) {
  mask() = 0;
  pending() = 0;
  EXPECT_EQ(harness_iret(KernelCs, Reserved | 0x85), ReturnedInPlace);
  EXPECT_EQ(mask(), 1);
  pending() = 1; // masked: nothing to deliver, but the entry decides that
  mask() = 0;
  EXPECT_EQ(harness_iret(KernelCs, Reserved), WentToTheEntry);
  EXPECT_EQ(mask(), 1);
  pending() = 0;
}

TEST(IrqEntry, IretWithAnEventPendingUnmasksFirstThenGoesToTheEntry) {
  mask() = 1;
  pending() = 1;
  EXPECT_EQ(harness_iret(KernelCs, Reserved | FlagInterrupt), WentToTheEntry);
  EXPECT_EQ(mask(), 0); // unmasked before the check: an event in between is Xen's to deliver
  EXPECT_EQ(harness_iret_frame[1], KernelCs); // the entry gets the frame untouched
  EXPECT_EQ(harness_iret_frame[2], Reserved | FlagInterrupt);
  pending() = 0;
}

TEST(IrqEntry, IretToUserModeGoesToTheEntryUntouched) {
  for (uint64_t flags : {Reserved | FlagInterrupt, Reserved}) {
    mask() = 1;
    pending() = 0;
    EXPECT_EQ(harness_iret(UserCs, flags), WentToTheEntry);
    EXPECT_EQ(mask(), 1); // HYPERVISOR_iret sets it from the frame
    EXPECT_EQ(harness_iret_frame[1], UserCs);
    EXPECT_EQ(harness_iret_frame[2], flags);
    EXPECT_EQ(harness_iret_frame[4], 0u); // ss as the kernel left it
  }
}

TEST(IrqEntry, IretTemplateFitsAndPointsAtMaskPendingAndEntry) {
  EXPECT_EQ(relativeTarget(afterburner_xen_iret_template, AFTERBURNER_XEN_IRET_MASK_REL), &mask());
  EXPECT_EQ(relativeTarget(afterburner_xen_iret_template, AFTERBURNER_XEN_IRET_PENDING_REL, 1),
            &pending()); // cmpb $0
  EXPECT_EQ(relativeTarget(afterburner_xen_iret_template, AFTERBURNER_XEN_IRET_FALLBACK_REL),
            afterburner_xen_iret_entry);
  EXPECT_LE(AFTERBURNER_XEN_IRET_LENGTH, AFTERBURNER_SITE_SIZE_IRET);
}

TEST(IrqEntry, PopfThatUnmasksForcesThePendingUpcall) {
  mask() = 1;
  pending() = 1;
  const uint64_t before = harness_hypercalls;
  harness_popf(Reserved); // stays masked: nothing to deliver
  EXPECT_EQ(harness_hypercalls, before);
  harness_popf(Reserved | FlagInterrupt);
  EXPECT_EQ(harness_hypercalls, before + 1);
  pending() = 0;
}

TEST(IrqEntry, StiChecksPendingWithoutTouchingFlags) {
  mask() = 1;
  pending() = 0;
  uint64_t before = harness_hypercalls;
  EXPECT_EQ(harness_sti(Arithmetic | Reserved) & Arithmetic, Arithmetic);
  EXPECT_EQ(mask(), 0);
  EXPECT_EQ(harness_hypercalls, before);
  mask() = 1;
  pending() = 1;
  EXPECT_EQ(harness_sti(0x41 | Reserved) & Arithmetic, uint64_t(0x41));
  EXPECT_EQ(harness_hypercalls, before + 1);
  pending() = 0;
}

TEST(IrqEntry, FarReturnJumpsAndPopsBothWords) {
  EXPECT_EQ(harness_far_ret(), 1);
}

TEST(IrqEntry, TrampolineKeepsFlagsAndPassesRegisters) {
  for (uint64_t pattern : {uint64_t(0), Arithmetic, uint64_t(0x400 | 0x801), uint64_t(0x44)}) {
    uint64_t rax = 0;
    const uint64_t flags = harness_site_cpu(pattern | Reserved, &rax);
    EXPECT_EQ(flags & (Arithmetic | 0x400), pattern);
    EXPECT_EQ(rax, 42u);
  }
}

TEST(IrqEntry, PortIoEntryKeepsFlagsAndReturnsRax) {
  for (uint64_t pattern : {uint64_t(0), Arithmetic, uint64_t(0x400 | 0x801), uint64_t(0x44)}) {
    uint64_t rax = 0;
    const uint64_t flags = harness_site_port_io(pattern | Reserved, &rax);
    EXPECT_EQ(flags & (Arithmetic | 0x400), pattern);
    EXPECT_EQ(rax, 0x12345660u);
  }
}
