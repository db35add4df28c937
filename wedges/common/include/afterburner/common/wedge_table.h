// SPDX-License-Identifier: MIT
// wedge_table.h: building a wedge's table at compile time in C++17.
//
//   constexpr afterburner_wedge makeXenWedge() {
//     return afterburner::common::WedgeBuilder("xen", xenDetect, xenInit)
//         .call(AFTERBURNER_OP_cli, xenCliEntry)
//         .call(AFTERBURNER_OP_sti, xenStiEntry)
//         .inlineCode(AFTERBURNER_OP_pushf, &xenPushfInline)
//         .native(AFTERBURNER_OP_cpuid)
//         .table();
//   }
//   extern "C" constexpr afterburner_wedge afterburner_wedge_xen = makeXenWedge();
//
// `extern "C" constexpr` gives the one exported object C linkage, external
// visibility and constant initialisation (it lands in .rodata: no static
// constructor). Every op not named stays UNIMPLEMENTED, which the loader turns into
// a call to `unimplemented` (afterburner_common_unimplemented unless overridden).
#pragma once

#include <afterburner/common/entry.h>
#include <afterburner/wedge_abi.h>

namespace afterburner::common {

class WedgeBuilder {
public:
  using Detect = int (*)(const afterburner_boot_info *);
  using Init = int (*)(const afterburner_boot_info *);

  constexpr WedgeBuilder(const char *name, Detect detect, Init init, uint8_t mode = 64) : wedge_{} {
    wedge_.name = name;
    wedge_.abi_version = AFTERBURNER_WEDGE_ABI_VERSION;
    wedge_.mode = mode;
    wedge_.detect = detect;
    wedge_.init = init;
    wedge_.unimplemented = afterburner_common_unimplemented;
  }

  constexpr WedgeBuilder &native(unsigned op) {
    return set(op, AFTERBURNER_POLICY_NATIVE, nullptr);
  }
  constexpr WedgeBuilder &call(unsigned op, const void *entry) {
    return set(op, AFTERBURNER_POLICY_CALL, entry);
  }
  // Only for NO_RETURN ops without operands (iret, sysret, sysexit).
  constexpr WedgeBuilder &jump(unsigned op, const void *entry) {
    return set(op, AFTERBURNER_POLICY_JUMP, entry);
  }
  constexpr WedgeBuilder &inlineCode(unsigned op, const afterburner_inline_code *code) {
    return set(op, AFTERBURNER_POLICY_INLINE, code);
  }
  constexpr WedgeBuilder &unimplemented(unsigned op) {
    return set(op, AFTERBURNER_POLICY_UNIMPLEMENTED, nullptr);
  }
  // Every op NATIVE: the starting point of a wedge for hardware virtualization,
  // which then overrides the few ops it must handle.
  constexpr WedgeBuilder &allNative() {
    for (unsigned op = 1; op < AFTERBURNER_OP_LIMIT; ++op)
      native(op);
    return *this;
  }
  constexpr WedgeBuilder &unimplementedEntry(const void *entry) {
    wedge_.unimplemented = entry;
    return *this;
  }
  constexpr afterburner_wedge table() const { return wedge_; }

private:
  constexpr WedgeBuilder &set(unsigned op, uint8_t policy, const void *target) {
    if (op == AFTERBURNER_OP_INVALID || op >= AFTERBURNER_OP_LIMIT)
      throwOutOfRange(); // not a constant expression: a bad op id fails the build
    wedge_.ops[op].policy = policy;
    wedge_.ops[op].target = target;
    return *this;
  }
  static void throwOutOfRange() {}

  afterburner_wedge wedge_;
};

} // namespace afterburner::common
