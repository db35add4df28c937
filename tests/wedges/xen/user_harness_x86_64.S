/*
 * user_harness_x86_64.S: runs wedges/xen/user_x86_64.S's SYSCALL entry the way Xen enters
 * it, with a stand-in LSTAR handler that records the register state it was given.
 */
  .text
/*
 * void harness_syscall_entry(uint64_t *xen_frame, uint64_t *seen): rsp = xen_frame (rcx,
 * r11, rip, cs, rflags, rsp, ss), rcx and r11 garbage, then the entry. The handler stores
 * rcx, r11, rsp and the event mask it sees in seen[0..3] and returns to the caller.
 */
  .globl harness_syscall_entry
harness_syscall_entry:
  pushq %rbx
  pushq %rbp
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, harness_saved_stack(%rip)
  movq %rsi, harness_seen(%rip)
  leaq harness_lstar(%rip), %rax
  movq %rax, afterburner_xen_syscall_target(%rip)
  movq %rdi, %rsp
  movq $0xdead, %rcx
  movq $0xbeef, %r11
  jmp afterburner_xen_syscall_entry

harness_lstar:
  movq harness_seen(%rip), %rax
  movq %rcx, (%rax)
  movq %r11, 8(%rax)
  movq %rsp, 16(%rax)
  movzbq afterburner_xen_shared_page + 1(%rip), %rcx
  movq %rcx, 24(%rax)
  movq harness_saved_stack(%rip), %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbp
  popq %rbx
  ret

/*
 * int harness_sync_keeps_registers(void): loads a pattern into every register the ring-0
 * stack check must keep, runs it, returns 1 when all still hold their pattern.
 */
  .globl harness_sync_keeps_registers
harness_sync_keeps_registers:
  pushq %rbx
  movq $0x1111, %rax
  movq $0x2222, %rbx
  movq $0x3333, %rcx
  movq $0x4444, %rdx
  movq $0x5555, %rsi
  movq $0x6666, %rdi
  movq $0x8888, %r8
  movq $0x9999, %r9
  movq $0xaaaa, %r10
  movq $0xbbbb, %r11
  call afterburner_xen_sync_ring0_stack
  cmpq $0x1111, %rax
  jne 1f
  cmpq $0x2222, %rbx
  jne 1f
  cmpq $0x3333, %rcx
  jne 1f
  cmpq $0x4444, %rdx
  jne 1f
  cmpq $0x5555, %rsi
  jne 1f
  cmpq $0x6666, %rdi
  jne 1f
  cmpq $0x8888, %r8
  jne 1f
  cmpq $0x9999, %r9
  jne 1f
  cmpq $0xaaaa, %r10
  jne 1f
  cmpq $0xbbbb, %r11
  jne 1f
  movl $1, %eax
  popq %rbx
  ret
1:
  xorl %eax, %eax
  popq %rbx
  ret

  .bss
  .balign 8
harness_saved_stack:
  .skip 8
harness_seen:
  .skip 8

  .section .note.GNU-stack, "", @progbits
