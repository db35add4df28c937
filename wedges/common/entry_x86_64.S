/* entry_x86_64.S: the site-call trampolines shared by all wedges (entry.h).
 *
 * A per-handler stub (AFTERBURNER_SITE_HANDLER) enters with
 *     [rsp]     the handler's address
 *     [rsp + 8] R, the site's return address (S + 5); the record reference is at R + 3
 * and every register and flag as the interrupted code left them.
 *
 * Plain entry: save the frame, call handler(frame, record), restore, `ret` to R.
 *
 * Stack entry: as plain, but the frame is saved GAP bytes lower, and the exit
 * continues at frame.rip with %rsp = frame.rsp. The exit writes three words (rip,
 * rflags, rax) just below the new %rsp, switches to them and runs `pop %rax; popfq;
 * ret`. A handler moves frame.rsp by at most 16 bytes down (far call; pushf and push
 * sreg push 8), so those words lie at or above R's slot - 40, while the frame ends
 * GAP + 16 bytes below R's slot + 8: they never overlap the frame, and they are
 * above the live %rsp, so an interrupt cannot clobber them. An emulated iret that
 * switches to another stack places them on that stack.
 */
#include <afterburner/common/frame.h>

#define STACK_GAP 64

  .section .note.GNU-stack, "", @progbits
  .text

/* Saves the frame below the stub's two words (GAP bytes lower for the stack entry)
 * and leaves: rdi = frame, rsi = record, rax = handler, r11 = R. */
.macro SAVE_FRAME gap
  lea -(\gap + 16)(%rsp), %rsp   /* rsp and rip fields; lea keeps the flags */
  pushfq
  push %rax
  push %rcx
  push %rdx
  push %rbx
  push %rbp
  push %rsi
  push %rdi
  push %r8
  push %r9
  push %r10
  push %r11
  push %r12
  push %r13
  push %r14
  push %r15
  mov (AFTERBURNER_FRAME_SIZE + \gap + 8)(%rsp), %r11    /* R */
  lea (AFTERBURNER_FRAME_SIZE + \gap + 16)(%rsp), %rcx   /* interrupted rsp */
  mov %rcx, AFTERBURNER_FRAME_RSP(%rsp)
  mov %r11, AFTERBURNER_FRAME_RIP(%rsp)
  mov (AFTERBURNER_FRAME_SIZE + \gap)(%rsp), %rax        /* handler */
  movslq 3(%r11), %rsi                                    /* record reference */
  lea 3(%r11, %rsi), %rsi
  mov %rsp, %rdi
.endm

/* Calls the handler in rax on a 16-byte aligned stack; rbx keeps the frame. */
.macro CALL_HANDLER
  mov %rsp, %rbx
  and $-16, %rsp
  cld
  call *%rax
  mov %rbx, %rsp
.endm

  .p2align 4
  .globl afterburner_common_entry_plain
  .type afterburner_common_entry_plain, @function
afterburner_common_entry_plain:
  SAVE_FRAME 0
  CALL_HANDLER
  pop %r15
  pop %r14
  pop %r13
  pop %r12
  pop %r11
  pop %r10
  pop %r9
  pop %r8
  pop %rdi
  pop %rsi
  pop %rbp
  pop %rbx
  pop %rdx
  pop %rcx
  pop %rax
  popfq
  lea 24(%rsp), %rsp   /* the rsp and rip fields and the handler word */
  ret                  /* to R */
  .size afterburner_common_entry_plain, . - afterburner_common_entry_plain

  .p2align 4
  .globl afterburner_common_entry_stack
  .type afterburner_common_entry_stack, @function
afterburner_common_entry_stack:
  SAVE_FRAME STACK_GAP
  addq $7, AFTERBURNER_FRAME_RIP(%rdi) /* R + 7 */
  CALL_HANDLER
  mov AFTERBURNER_FRAME_RSP(%rsp), %rax
  lea -24(%rax), %rax
  mov AFTERBURNER_FRAME_RIP(%rsp), %rcx
  mov %rcx, 16(%rax)
  mov AFTERBURNER_FRAME_RFLAGS(%rsp), %rcx
  mov %rcx, 8(%rax)
  mov AFTERBURNER_FRAME_RAX(%rsp), %rcx
  mov %rcx, (%rax)
  mov AFTERBURNER_FRAME_R15(%rsp), %r15
  mov AFTERBURNER_FRAME_R14(%rsp), %r14
  mov AFTERBURNER_FRAME_R13(%rsp), %r13
  mov AFTERBURNER_FRAME_R12(%rsp), %r12
  mov AFTERBURNER_FRAME_R11(%rsp), %r11
  mov AFTERBURNER_FRAME_R10(%rsp), %r10
  mov AFTERBURNER_FRAME_R9(%rsp), %r9
  mov AFTERBURNER_FRAME_R8(%rsp), %r8
  mov AFTERBURNER_FRAME_RDI(%rsp), %rdi
  mov AFTERBURNER_FRAME_RSI(%rsp), %rsi
  mov AFTERBURNER_FRAME_RBP(%rsp), %rbp
  mov AFTERBURNER_FRAME_RBX(%rsp), %rbx
  mov AFTERBURNER_FRAME_RDX(%rsp), %rdx
  mov AFTERBURNER_FRAME_RCX(%rsp), %rcx
  mov %rax, %rsp
  pop %rax
  popfq
  ret                  /* to frame.rip, leaving %rsp = frame.rsp */
  .size afterburner_common_entry_stack, . - afterburner_common_entry_stack

/* The shared unimplemented entry: [rsp] = R. Registers are not preserved: it halts. */
  .p2align 4
  .globl afterburner_common_unimplemented
  .type afterburner_common_unimplemented, @function
afterburner_common_unimplemented:
  mov (%rsp), %rsi                 /* R */
  movslq 3(%rsi), %rdi
  lea 3(%rsi, %rdi), %rdi          /* record */
  and $-16, %rsp
  cld
  call afterburner_common_halt_unimplemented
  ud2
  .size afterburner_common_unimplemented, . - afterburner_common_unimplemented
