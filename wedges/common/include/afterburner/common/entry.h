/* SPDX-License-Identifier: MIT */
/*
 * entry.h: site-call entries for wedge handlers written in C or C++, the shared
 * "halt naming the op" entry, and the console/halt hooks it uses.
 *
 * A handler is declared at namespace (file) scope with
 *
 *     AFTERBURNER_SITE_HANDLER(xenRdmsrEntry, frame, site) {
 *       // frame: struct afterburner_frame * (frame.h); site: the record
 *       const uint64_t value = readVirtualMsr(frame->rcx);
 *       frame->rax = (uint32_t)value;
 *       frame->rdx = value >> 32;
 *     }
 *
 * which defines a static handler function and an entry symbol `xenRdmsrEntry`
 * (declared `extern "C" const unsigned char xenRdmsrEntry[]`, local to the object
 * file, so a wedge still exports only its table). Put the entry in the wedge table
 * with policy CALL (wedge_table.h: .call(AFTERBURNER_OP_rdmsr, xenRdmsrEntry)).
 *
 * What the entry does (wedge_abi.h section 3, site-call convention): it saves every
 * general register and rflags into a struct afterburner_frame on the stack, finds
 * the record from the return address (afterburner_record_of_call), aligns the stack
 * to 16 bytes, clears DF, calls the handler with (frame, site), loads every register
 * and rflags back from the frame, and returns to the site with `ret`. The handler
 * runs with the System V ABI (no red zone in guests, general registers only) and
 * may use up to AFTERBURNER_ENTRY_STACK_BYTES minus the ~230 bytes of the trampoline.
 *
 * AFTERBURNER_STACK_SITE_HANDLER(entry, frame, site) is the variant for ops with a
 * stack effect or a control transfer (pushf, popf, push/pop sreg, far call/ret,
 * iret): it continues at frame->rip (initially R + 7) with %rsp = frame->rsp
 * (initially the interrupted %rsp), so the handler pushes/pops with
 * afterburner_frame_push()/afterburner_frame_pop() and may redirect rip. The
 * continuation is built with three words just below the new %rsp; see
 * entry_x86_64.S for why that never overlaps the frame.
 *
 * Handlers are ordinary functions: the trampolines themselves contain no sites
 * (wedges are assembled by the system assembler), so a handler may use any
 * instruction natively.
 */
#ifndef AFTERBURNER_COMMON_ENTRY_H
#define AFTERBURNER_COMMON_ENTRY_H

#include <afterburner/common/frame.h>
#include <afterburner/site_abi.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define AFTERBURNER_COMMON_EXTERN_C extern "C"
extern "C" {
#else
#define AFTERBURNER_COMMON_EXTERN_C extern
#endif

/* The shared unimplemented entry (site-call convention): prints
 *   "afterburner: unimplemented op <name> (<id>) at site 0x..., halting"
 * through the console hook and halts. AFTERBURNER_WEDGE_BUILDER (wedge_table.h) makes
 * it every wedge's `unimplemented` entry unless the wedge names another. */
extern const unsigned char afterburner_common_unimplemented[];

/* The console the common code prints through (the unimplemented message). A wedge
 * sets it in init() once it can write to its platform's console; NULL: silent. */
typedef void (*afterburner_console_write_fn)(const char *text, size_t length);
void afterburner_common_set_console(afterburner_console_write_fn write);

/* How to stop the CPU for good. The default is `cli; hlt` in a loop, right on bare
 * metal and under hardware virtualization; a paravirtual wedge whose kernel may not
 * run hlt (Xen PV) sets a hook that asks the hypervisor to stop (it must not return). */
typedef void (*afterburner_halt_fn)(void);
void afterburner_common_set_halt(afterburner_halt_fn halt);

/* Prints through the console hook, then halts: for wedges' own fatal errors. */
void afterburner_common_panic(const char *message) __attribute__((noreturn));

/* The C part of the unimplemented entry (called by afterburner_common_unimplemented). */
void afterburner_common_halt_unimplemented(const struct afterburner_site *site,
                                           uintptr_t return_address) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

/* The trampolines (entry_x86_64.S). Entered from a per-handler stub with the
 * handler's address on the stack above the site's return address; not called directly. */
#define AFTERBURNER_COMMON_ENTRY_PLAIN "afterburner_common_entry_plain"
#define AFTERBURNER_COMMON_ENTRY_STACK "afterburner_common_entry_stack"

/* The per-handler stub: pushes the handler's address (without touching any register
 * or flag) and jumps to the common trampoline. */
#define AFTERBURNER_COMMON_STUB_(entry, handler_symbol, trampoline)                                \
  __asm__(".pushsection .text.afterburner_entry." #entry ",\"ax\",@progbits\n"                     \
          ".p2align 4\n"                                                                           \
          ".type " #entry ", @function\n" #entry ":\n"                                             \
          "  push %rax\n"                                                                          \
          "  push %rax\n"                                                                          \
          "  lea " handler_symbol "(%rip), %rax\n"                                                 \
          "  mov %rax, 8(%rsp)\n"                                                                  \
          "  pop %rax\n"                                                                           \
          "  jmp " trampoline "\n"                                                                 \
          ".size " #entry ", . - " #entry "\n"                                                     \
          ".popsection\n")

#define AFTERBURNER_COMMON_HANDLER_(entry, frame, site, trampoline)                                \
  AFTERBURNER_COMMON_EXTERN_C const unsigned char entry[];                                         \
  static void afterburner_handler_##entry(                                                         \
      struct afterburner_frame *,                                                                  \
      const struct afterburner_site *) __asm__("afterburner_handler_" #entry)                      \
      __attribute__((used));                                                                       \
  AFTERBURNER_COMMON_STUB_(entry, "afterburner_handler_" #entry, trampoline);                      \
  static void afterburner_handler_##entry(struct afterburner_frame *frame __attribute__((unused)), \
                                          const struct afterburner_site *site                      \
                                          __attribute__((unused)))

/* Declares a handler and its plain entry (see above). */
#define AFTERBURNER_SITE_HANDLER(entry, frame, site)                                               \
  AFTERBURNER_COMMON_HANDLER_(entry, frame, site, AFTERBURNER_COMMON_ENTRY_PLAIN)

/* Declares a handler and its stack entry (ops with a stack effect; see above). */
#define AFTERBURNER_STACK_SITE_HANDLER(entry, frame, site)                                         \
  AFTERBURNER_COMMON_HANDLER_(entry, frame, site, AFTERBURNER_COMMON_ENTRY_STACK)

#endif /* AFTERBURNER_COMMON_ENTRY_H */
