// irq_templates.h: the inline code the wedge's table names (irq.cpp).
#pragma once

#include <afterburner/wedge_abi.h>

namespace afterburner::xen {

extern const afterburner_inline_code CliCode;
extern const afterburner_inline_code StiCode;
extern const afterburner_inline_code PushfCode;
extern const afterburner_inline_code CpuidCode;
extern const afterburner_inline_code NothingCode;

} // namespace afterburner::xen
