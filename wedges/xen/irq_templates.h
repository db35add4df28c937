// irq_templates.h: the inline code the wedge's table names (irq.cpp), and the lengths and
// rel32 offsets of the pushf, popf and iretq code (irq_templates.inc), which irq_x86_64.S checks
// as it assembles them.
#pragma once

#define AFTERBURNER_XEN_PUSHF_LENGTH 27
#define AFTERBURNER_XEN_PUSHF_MASK_REL 6
#define AFTERBURNER_XEN_POPF_LENGTH 46
#define AFTERBURNER_XEN_POPF_MASK_REL 16
#define AFTERBURNER_XEN_POPF_PENDING_REL 22
#define AFTERBURNER_XEN_POPF_SLOW_REL 30
#define AFTERBURNER_XEN_POPF_FAST_LENGTH 12 /* the slow path returns past it */
#define AFTERBURNER_XEN_IRET_LENGTH 51
#define AFTERBURNER_XEN_IRET_MASK_REL 15
#define AFTERBURNER_XEN_IRET_PENDING_REL 21
#define AFTERBURNER_XEN_IRET_FALLBACK_REL 47

#ifndef __ASSEMBLER__
#include <afterburner/wedge_abi.h>

namespace afterburner::xen {

extern const afterburner_inline_code CliCode;
extern const afterburner_inline_code StiCode;
extern const afterburner_inline_code PushfCode;
extern const afterburner_inline_code PopfCode;
extern const afterburner_inline_code IretCode;
extern const afterburner_inline_code CpuidCode;
extern const afterburner_inline_code NothingCode;

} // namespace afterburner::xen
#endif
