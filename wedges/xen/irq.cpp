// irq.cpp: the interrupt-flag ops as inline code (the templates are in irq_x86_64.S).
//   cli   movb $1, mask(%rip)                       7 bytes, flag-free
//   sti   movb $0, mask(%rip); call sti_check       12 bytes; the check is flag-free
//   pushf pushfq; IF from the mask with notl/leal      27 bytes, flag-free
//   popf  mask from IF, pending check, cld; sahf       48 bytes; DF/OF set or an upcall
//         due: a call to popf_slow (irq_templates.inc has both)
// Each rel32 (the RIP-relative mask, the calls) is listed so the loader moves it with the
// bytes. cpuid and swapgs are inline too.
#include "irq_templates.h"
#include "xen_wedge_internal.h"

namespace afterburner::xen {

const afterburner_inline_code CliCode{afterburner_xen_cli_template, 7, 1, {2}};
const afterburner_inline_code StiCode{afterburner_xen_sti_template, 12, 2, {2, 8}};
const afterburner_inline_code PushfCode{afterburner_xen_pushf_template,
                                        AFTERBURNER_XEN_PUSHF_LENGTH,
                                        1,
                                        {AFTERBURNER_XEN_PUSHF_MASK_REL}};
const afterburner_inline_code PopfCode{afterburner_xen_popf_template,
                                       AFTERBURNER_XEN_POPF_LENGTH,
                                       3,
                                       {AFTERBURNER_XEN_POPF_MASK_REL,
                                        AFTERBURNER_XEN_POPF_PENDING_REL,
                                        AFTERBURNER_XEN_POPF_SLOW_REL}};
const afterburner_inline_code CpuidCode{afterburner_xen_cpuid_template, 7, 0, {}};
const afterburner_inline_code NothingCode{afterburner_xen_nothing_template, 1, 0, {}};

} // namespace afterburner::xen
