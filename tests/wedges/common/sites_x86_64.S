/* sites_x86_64.S: hand-written call-form sites that enter the common trampolines the
 * way patched guest code does, with every register set from a TestRegisters block
 * (index = x86 register number; rsp's slot unused; rflags at 16) and dumped back
 * into it afterwards. */
  .section .note.GNU-stack, "", @progbits

/* A site in the call form: call ENTRY; nopl disp32(%rax), disp32 = RECORD - field. */
.macro CALL_SITE entry, record
  call \entry
  .byte 0x0f, 0x1f, 0x80
  .long \record - .
.endm

.macro LOAD_REGISTERS
  push %rbx
  push %rbp
  push %r12
  push %r13
  push %r14
  push %r15
  push %rdi
  pushq 128(%rdi)
  popfq
  mov 0(%rdi), %rax
  mov 8(%rdi), %rcx
  mov 16(%rdi), %rdx
  mov 24(%rdi), %rbx
  mov 40(%rdi), %rbp
  mov 48(%rdi), %rsi
  mov 64(%rdi), %r8
  mov 72(%rdi), %r9
  mov 80(%rdi), %r10
  mov 88(%rdi), %r11
  mov 96(%rdi), %r12
  mov 104(%rdi), %r13
  mov 112(%rdi), %r14
  mov 120(%rdi), %r15
  mov 56(%rdi), %rdi
.endm

/* Dumps every register (and the flags) into the block; the block's address is
 * at 8(%rsp) after the first push. */
.macro STORE_REGISTERS
  pushfq
  push %rdi
  mov 16(%rsp), %rdi
  mov %rax, 0(%rdi)
  mov %rcx, 8(%rdi)
  mov %rdx, 16(%rdi)
  mov %rbx, 24(%rdi)
  mov %rbp, 40(%rdi)
  mov %rsi, 48(%rdi)
  mov %r8, 64(%rdi)
  mov %r9, 72(%rdi)
  mov %r10, 80(%rdi)
  mov %r11, 88(%rdi)
  mov %r12, 96(%rdi)
  mov %r13, 104(%rdi)
  mov %r14, 112(%rdi)
  mov %r15, 120(%rdi)
  pop %rax
  mov %rax, 56(%rdi)
  pop %rax
  mov %rax, 128(%rdi)
  pop %rdi
  pop %r15
  pop %r14
  pop %r13
  pop %r12
  pop %rbp
  pop %rbx
.endm

  .text
  .globl test_run_plain_site
test_run_plain_site:
  LOAD_REGISTERS
  mov %rsp, test_rsp_before(%rip)
  .globl test_plain_site
test_plain_site:
  CALL_SITE test_plain_entry, test_plain_record
  mov %rsp, test_rsp_after(%rip)
  STORE_REGISTERS
  ret

  .globl test_run_push_site
test_run_push_site:
  LOAD_REGISTERS
  mov %rsp, test_rsp_before(%rip)
  .globl test_push_site
test_push_site:
  CALL_SITE test_push_entry, test_push_record
  mov %rsp, test_rsp_after(%rip)
  popq test_pushed_value(%rip)
  STORE_REGISTERS
  ret

  .globl test_run_pop_site
test_run_pop_site:
  LOAD_REGISTERS
  pushq $0x5151
  mov %rsp, test_rsp_before(%rip)
  .globl test_pop_site
test_pop_site:
  CALL_SITE test_pop_entry, test_pop_record
  mov %rsp, test_rsp_after(%rip)
  STORE_REGISTERS
  ret

  .globl test_run_jump_site
test_run_jump_site:
  LOAD_REGISTERS
  mov %rsp, test_rsp_before(%rip)
  CALL_SITE test_jump_entry, test_plain_record
  ud2                       /* the handler redirects rip past this */
  .globl test_jump_target
test_jump_target:
  mov %rsp, test_rsp_after(%rip)
  STORE_REGISTERS
  ret

  .globl test_run_unimplemented_site
test_run_unimplemented_site:
  push %rbx
  CALL_SITE afterburner_common_unimplemented, test_plain_record
  pop %rbx
  ret

  .data
  .balign 8
  .globl test_rsp_before, test_rsp_after, test_pushed_value
test_rsp_before: .quad 0
test_rsp_after: .quad 0
test_pushed_value: .quad 0
  .balign 4
  .globl test_plain_record, test_push_record, test_pop_record
test_plain_record: .long 0; .short 1; .byte 16, 1, 64, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff; .short 0; .long 0
test_push_record: .long 0; .short 3; .byte 16, 1, 64, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0, 0xff; .short 0; .long 0
test_pop_record: .long 0; .short 40; .byte 12, 2, 64, 0, 0, 8, 0xff, 4, 0xff, 0xff, 0, 0xff; .short 0; .long 0
