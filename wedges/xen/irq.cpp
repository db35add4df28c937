// irq.cpp: the interrupt-flag ops as inline code (the templates are in irq_x86_64.S).
//   cli   movb $1, mask(%rip)                       7 bytes, flag-free
//   sti   movb $0, mask(%rip); call sti_check       12 bytes; the check is flag-free
//   pushf pushfq; IF from the mask with notl/leal      27 bytes, flag-free
//   popf  mask from IF, pending check, cld; sahf       48 bytes; DF/OF set or an upcall
//         due: a call to popf_slow (irq_templates.inc has both)
//   iretq an RPL 0 frame: mask from IF, pending check,  51 bytes (64-byte sites); RPL 3
//         Xen's selectors, iretq in place               or an upcall due: jmp iret_entry
// Each rel32 (the RIP-relative mask, the calls) is listed so the loader moves it with the
// bytes. cpuid and swapgs are inline too. The iretq code reads a 64-bit frame, so the
// loader copies it only into sites of operand width 8; iretl/iretw sites keep the jump to
// the entry.
#include "irq_templates.h"
#include "xen_wedge_internal.h"

namespace afterburner::xen {

const afterburner_inline_code CliCode{afterburner_xen_cli_template, 7, 1, {2}, 0, nullptr};
const afterburner_inline_code StiCode{afterburner_xen_sti_template, 12, 2, {2, 8}, 0, nullptr};
const afterburner_inline_code PushfCode{afterburner_xen_pushf_template,
                                        AFTERBURNER_XEN_PUSHF_LENGTH,
                                        1,
                                        {AFTERBURNER_XEN_PUSHF_MASK_REL},
                                        0,
                                        nullptr};
const afterburner_inline_code PopfCode{afterburner_xen_popf_template,
                                       AFTERBURNER_XEN_POPF_LENGTH,
                                       3,
                                       {AFTERBURNER_XEN_POPF_MASK_REL,
                                        AFTERBURNER_XEN_POPF_PENDING_REL,
                                        AFTERBURNER_XEN_POPF_SLOW_REL},
                                       0,
                                       nullptr};
const afterburner_inline_code IretCode{afterburner_xen_iret_template,
                                       AFTERBURNER_XEN_IRET_LENGTH,
                                       3,
                                       {AFTERBURNER_XEN_IRET_MASK_REL,
                                        AFTERBURNER_XEN_IRET_PENDING_REL,
                                        AFTERBURNER_XEN_IRET_FALLBACK_REL},
                                       8,
                                       afterburner_xen_iret_entry};
const afterburner_inline_code CpuidCode{afterburner_xen_cpuid_template, 7, 0, {}, 0, nullptr};
const afterburner_inline_code NothingCode{afterburner_xen_nothing_template, 1, 0, {}, 0, nullptr};

} // namespace afterburner::xen
