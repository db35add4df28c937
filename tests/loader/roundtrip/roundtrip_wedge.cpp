// roundtrip_wedge.cpp: a wedge table for the round trip, built like real wedges
// (wedges/common's builder and trampolines), exported as afterburner_wedge_roundtrip.
#include <afterburner/common/entry.h>
#include <afterburner/common/wedge_table.h>

namespace {

int detectRoundTrip(const afterburner_boot_info *) {
  return 1;
}

AFTERBURNER_SITE_HANDLER(roundTripCliEntry, frame, site) {
  frame->rflags &= ~uint64_t(0x200);
}
AFTERBURNER_STACK_SITE_HANDLER(roundTripIretEntry, frame, site) {}

// sti as inline code: `movb $1, roundtrip_interrupts(%rip)` (one rel32 to data).
extern "C" const uint8_t roundtrip_sti_template[];
asm(".pushsection .rodata.roundtrip_sti, \"a\"\n"
    "roundtrip_sti_template:\n"
    "  movb $1, roundtrip_interrupts(%rip)\n"
    ".popsection\n"
    ".pushsection .bss.roundtrip_interrupts, \"aw\", @nobits\n"
    ".globl roundtrip_interrupts\n"
    "roundtrip_interrupts: .byte 0\n"
    ".popsection\n");

constexpr afterburner_inline_code stiInline = {roundtrip_sti_template, 7, 1, {2}, 0, nullptr};

constexpr afterburner_wedge makeRoundTripWedge() {
  return afterburner::common::WedgeBuilder("roundtrip", detectRoundTrip, nullptr)
      .call(AFTERBURNER_OP_cli, roundTripCliEntry)
      .inlineCode(AFTERBURNER_OP_sti, &stiInline)
      .native(AFTERBURNER_OP_cpuid)
      .jump(AFTERBURNER_OP_iret, roundTripIretEntry)
      .table();
}

} // namespace

extern "C" constexpr afterburner_wedge afterburner_wedge_roundtrip = makeRoundTripWedge();
