/* SPDX-License-Identifier: MIT */
/*
 * wedge_abi.h: the contract between the loader and a wedge. THE normative
 * definition of what a wedge exports, how the loader picks one, and how code the
 * loader writes into a site reaches the wedge.
 *
 * Copyright (c) 2026 The Afterburner authors. MIT licence, as site_abi.h.
 *
 * Self-contained like site_abi.h: C11, C++17, <stdint.h>/<stddef.h> only.
 *
 * ------------------------------------------------------------------------------
 * 1. What a wedge is
 * ------------------------------------------------------------------------------
 *
 * A wedge is the per-hypervisor emulation of the sensitive instructions, linked
 * into the guest next to the loader. It exports exactly ONE object,
 *
 *     const struct afterburner_wedge afterburner_wedge_<name>;
 *
 * and everything else in it is private. The loader keeps an explicit array of the
 * wedges the build linked (no static constructors, no linker-section tricks), asks
 * each wedge's detect() for a priority, and picks the highest. A wedge whose
 * abi_version differs from AFTERBURNER_WEDGE_ABI_VERSION is reported and skipped.
 * No wedge found means bare metal: every site stays native.
 *
 * After picking, the loader calls init() once, then patches every site according
 * to the wedge's entry for the site's op (section 2). Only sites whose mode equals
 * the wedge's mode are patched; the others stay native (a 64-bit wedge does not
 * run a kernel's 16- or 32-bit boot code, which executes before the loader).
 *
 * ------------------------------------------------------------------------------
 * 2. Per-op policies and the code the loader writes
 * ------------------------------------------------------------------------------
 *
 * Each op id (site_abi.h, section 6) has one struct afterburner_op_entry. Its
 * policy says what the loader writes over the site (site address S, length L):
 *
 *   UNIMPLEMENTED (0, the default of a zero-filled entry): the wedge has no
 *       emulation. The loader writes the CALL form to the wedge's `unimplemented`
 *       entry, which halts the guest naming the op and the site, so a missing op
 *       fails loudly at its first use, never silently.
 *   NATIVE: the site is left as the assembler wrote it (instruction + canonical
 *       padding). Use it where the platform runs the instruction correctly and
 *       cheaply (hardware virtualization, Ring V).
 *   INLINE: `target` points to a struct afterburner_inline_code. The loader
 *       copies its bytes to S, adjusts each listed rel32 field by the distance the
 *       bytes moved (they were assembled at `bytes`, so RIP-relative references
 *       and relative branches to code outside the template stay correct), and
 *       fills S + length .. S + L with canonical nops. length <= the op's minimum
 *       site size, which the loader checks. Any op may be INLINE: code for a
 *       NO_RETURN op (iret) simply never falls through. Code for one operand size
 *       (an iretq template) names it in `operand_width`: the loader copies it
 *       only into sites whose record has that width and writes every other site
 *       of the op as CALL (or, for NO_RETURN ops, JUMP) to `other_width_entry`
 *       (NULL: the unimplemented entry). operand_width 0: every site.
 *   CALL: `target` is an entry following the site-call convention (section 3).
 *       The loader writes
 *           S + 0:  e8 <rel32>            call target
 *           S + 5:  0f 1f 80 <disp32>     nopl disp32(%rax), disp32 = record
 *                                         reference (section 3)
 *           S + 12: canonical nops up to S + L
 *   JUMP: for ops whose flow is NO_RETURN and which need no operands (iret,
 *       sysret, sysexit). The loader writes `e9 <rel32>` (jmp target) and nops.
 *       The entry starts with exactly the register and stack state the
 *       instruction would have seen; it never returns to the site.
 *
 * ------------------------------------------------------------------------------
 * 3. The site-call convention (CALL entries and the unimplemented entry)
 * ------------------------------------------------------------------------------
 *
 * On entry:
 *   - (%rsp) holds the return address R = S + 5. Nothing else was pushed: the
 *     stack pointer is the interrupted code's %rsp - 8, with the alignment that
 *     code had (only 8-byte alignment is guaranteed).
 *   - The record reference is the signed 32-bit value at R + 3 (the nopl's
 *     displacement). The site's record is at (R + 3) + that value. The record
 *     names the instruction's explicit operands (site_abi.h, section 4), so an
 *     entry never decodes instruction bytes.
 *   - Every register holds what the instruction would have seen.
 *
 * The entry then behaves as the instruction: it makes exactly the architectural
 * register, flag, memory and stack effects the instruction defines (rdmsr writes
 * edx:eax; in writes al/ax/eax; popf loads the flags; lar writes ZF and its
 * destination), as the platform emulates them, and NO others:
 *   - General registers: preserved unless the instruction writes them.
 *   - Flags: arithmetic flags preserved unless the instruction defines them;
 *     the entry must restore them (pushf/popf inside the entry is fine).
 *   - Vector, x87 and extended state: never touched (wedges are built with
 *     -mgeneral-regs-only).
 *   - Stack: the entry may use the stack below R's slot; it must assume no red
 *     zone of the interrupted code (guest kernels are built without one; code
 *     with a live red zone must not contain sites). It needs at most
 *     AFTERBURNER_ENTRY_STACK_BYTES.
 *   - Ops with a stack effect (pushf, popf, push_sreg, pop_sreg, far_call,
 *     far_ret, iret via CALL): the entry leaves %rsp and stack memory as the
 *     instruction would have left them relative to the interrupted code's %rsp,
 *     and continues at R + 7 (after the record-reference nop) or, for control
 *     transfers, wherever the instruction goes.
 *   - Otherwise the entry returns with `ret` to R; executing the nopl at R is
 *     harmless, and returning to R keeps return prediction intact.
 *
 * Inline code follows the same rules: only the instruction's own effects.
 */
#ifndef AFTERBURNER_WEDGE_ABI_H
#define AFTERBURNER_WEDGE_ABI_H

#include <afterburner/site_abi.h>

#define AFTERBURNER_WEDGE_ABI_VERSION 2

/* Bytes of stack an entry may use below its return-address slot. */
#define AFTERBURNER_ENTRY_STACK_BYTES 1024

/* The bytes of the CALL form (section 2). */
#define AFTERBURNER_CALL_OPCODE 0xe8
#define AFTERBURNER_JUMP_OPCODE 0xe9
#define AFTERBURNER_CALL_LENGTH 5
#define AFTERBURNER_RECORD_REFERENCE_PREFIX 0x0f, 0x1f, 0x80 /* nopl disp32(%rax) */
#define AFTERBURNER_RECORD_REFERENCE_LENGTH 7
#define AFTERBURNER_CALL_FORM_LENGTH (AFTERBURNER_CALL_LENGTH + AFTERBURNER_RECORD_REFERENCE_LENGTH)

/* Per-op policies (section 2). */
#define AFTERBURNER_POLICY_UNIMPLEMENTED 0
#define AFTERBURNER_POLICY_NATIVE 1
#define AFTERBURNER_POLICY_INLINE 2
#define AFTERBURNER_POLICY_CALL 3
#define AFTERBURNER_POLICY_JUMP 4

#if !defined(__ASSEMBLER__)
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How the guest kernel was entered and where its notes are: defined by the
 * loader's public header, afterburner/loader.h. A wedge reads it in detect() and
 * init() (a Xen wedge finds start_info there). */
struct afterburner_boot_info;

#define AFTERBURNER_INLINE_RELATIVE_MAX 4

/* Inline replacement bytes for one op (policy INLINE). */
struct afterburner_inline_code {
  const uint8_t *bytes; /* the code, assembled at this very address */
  uint8_t length;       /* bytes to copy; at most the op's minimum site size */
  uint8_t relative_count;
  /* Offsets, within bytes, of rel32 fields (RIP-relative displacements, relative
   * branch targets) that point OUTSIDE the template and must follow it. */
  uint8_t relative_offsets[AFTERBURNER_INLINE_RELATIVE_MAX];
  /* 0, or the only record operand_width the code is for (section 2); since
   * wedge ABI version 2. */
  uint8_t operand_width;
  /* The CALL/JUMP entry for the op's sites of any other width, or NULL. */
  const void *other_width_entry;
};

/* One op's implementation. A zero-filled entry is UNIMPLEMENTED. */
struct afterburner_op_entry {
  uint8_t policy;     /* AFTERBURNER_POLICY_* */
  const void *target; /* INLINE: struct afterburner_inline_code; CALL/JUMP: entry */
};

struct afterburner_wedge {
  /* Short lower-case name ("xen", "kvm", "akaros"), shorter than
   * AFTERBURNER_WEDGE_NAME_SIZE; printed in the loader's line and stored in the
   * PATCH_STATE note by offline patching. */
  const char *name;
  /* AFTERBURNER_WEDGE_ABI_VERSION as the wedge was built; the loader refuses a
   * mismatch. */
  uint32_t abi_version;
  /* The CPU mode the wedge's code runs in: 64 (site_abi.h mode numbering). */
  uint8_t mode;
  /* Returns this wedge's priority on the running platform: 0 = not this
   * platform. A more specific platform outranks the one it is built on (Akaros,
   * which also shows KVM's CPUID signature, outranks KVM). Must not change any
   * state and must be safe on every platform, bare metal included. */
  int (*detect)(const struct afterburner_boot_info *boot);
  /* Called once after selection and before any site is patched. Returns 0 when
   * ready; anything else makes the loader report it and leave every site native. */
  int (*init)(const struct afterburner_boot_info *boot);
  /* Site-call entry that halts the guest naming the op and site (section 2). */
  const void *unimplemented;
  /* Indexed by op id; entry 0 is unused. */
  struct afterburner_op_entry ops[AFTERBURNER_OP_LIMIT];
};

/* The entry for one op, or NULL for an id the table does not have. */
static inline const struct afterburner_op_entry *
afterburner_wedge_entry(const struct afterburner_wedge *wedge, unsigned op) {
  if (op == AFTERBURNER_OP_INVALID || op >= AFTERBURNER_OP_LIMIT)
    return NULL;
  return &wedge->ops[op];
}

/* The record a site-call entry was called from (section 3), given its return
 * address R. */
static inline const struct afterburner_site *afterburner_record_of_call(uintptr_t return_address) {
  const uintptr_t field = return_address + 3;
  int32_t reference;
  __builtin_memcpy(&reference, (const void *)field, sizeof reference);
  return (const struct afterburner_site *)(field + (uintptr_t)(intptr_t)reference);
}

AFTERBURNER_STATIC_ASSERT(AFTERBURNER_CALL_FORM_LENGTH == AFTERBURNER_SITE_SIZE_CALL,
                          "the call form fills the minimum site");
AFTERBURNER_STATIC_ASSERT(AFTERBURNER_WEDGE_NAME_SIZE == 16, "wedge names fit the patch state");

#ifdef __cplusplus
}
#endif

#endif /* !__ASSEMBLER__ */

#endif /* AFTERBURNER_WEDGE_ABI_H */
