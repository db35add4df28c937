/*
 * user.S: the usermode sample's ring transitions, written as a bare-metal kernel writes
 * them, and the user program itself.
 *
 *   usermode_enter(entry, stack)  enters ring 3 with iretq; returns (on the caller's
 *                                 stack) the status the program passes to its exit call
 *   usermode_leave(status)        that return, from the exit system call
 *   usermode_syscall_entry        the LSTAR target: saves the user's registers on the
 *                                 TSS rsp0 stack, calls usermode_syscall(frame), sysretq
 *   usermode_trap_entry           the IDT gate for int $0x80 (DPL 3), and the #UD,
 *   usermode_*_entry              #GP and #PF gates: from ring 3 they call
 *                                 usermode_exception(frame) and iretq back to ring 3
 *   usermode_user_program         one page of user code, run at UserBase (main.cpp)
 *
 * The selectors and the system call numbers are main.cpp's.
 */
#include "../common/interrupt_frame.inc"

#define TSS_RSP0 usermode_task_state + 4
#define USER_CODE 0x2b
#define USER_DATA 0x23
#define USER_FLAGS 0x202         /* IF on, as user code always runs */
#define SYS_ECHO 1
#define SYS_WRITE 2
#define SYS_EXIT 3
#define SYS_TICKS 4
#define WANTED_TICKS 3
#define SPIN_ROUNDS 20000        /* each: 1000 pauses in ring 3, then one SYS_TICKS */
#define TRAP_ADD 0x80

  .text
  .globl usermode_enter
  .type usermode_enter, @function
usermode_enter:
  pushq %rbx
  pushq %rbp
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, usermode_kernel_context(%rip)
  pushq $USER_DATA
  pushq %rsi
  pushq $USER_FLAGS
  pushq $USER_CODE
  pushq %rdi
  /* The user program starts with no kernel values in its registers. */
  xorl %eax, %eax
  xorl %ebx, %ebx
  xorl %ecx, %ecx
  xorl %edx, %edx
  xorl %esi, %esi
  xorl %edi, %edi
  xorl %ebp, %ebp
  xorl %r8d, %r8d
  xorl %r9d, %r9d
  xorl %r10d, %r10d
  xorl %r11d, %r11d
  xorl %r12d, %r12d
  xorl %r13d, %r13d
  xorl %r14d, %r14d
  xorl %r15d, %r15d
  iretq
  .size usermode_enter, . - usermode_enter

  .globl usermode_leave
  .type usermode_leave, @function
usermode_leave:
  movq %rdi, %rax
  movq usermode_kernel_context(%rip), %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbp
  popq %rbx
  ret
  .size usermode_leave, . - usermode_leave

/*
 * SYSCALL: rcx = user rip, r11 = user rflags, rsp = the user's, interrupts off (FMASK).
 * The frame (SyscallFrame in main.cpp, lowest address first): rax r9 r8 r10 rdx rsi rdi
 * r11 rcx rsp; ten words keep the call 16-byte aligned on the aligned rsp0 stack.
 */
  .globl usermode_syscall_entry
  .type usermode_syscall_entry, @function
usermode_syscall_entry:
  movq %rsp, usermode_user_stack(%rip)
  movq TSS_RSP0(%rip), %rsp     /* a bare-metal kernel's kernel stack: rsp0 */
  pushq usermode_user_stack(%rip)
  pushq %rcx
  pushq %r11
  pushq %rdi
  pushq %rsi
  pushq %rdx
  pushq %r10
  pushq %r8
  pushq %r9
  pushq %rax
  movq %rsp, %rdi
  cld
  call usermode_syscall
  popq %rax
  popq %r9
  popq %r8
  popq %r10
  popq %rdx
  popq %rsi
  popq %rdi
  popq %r11
  popq %rcx
  popq %rsp
  sysretq
  .size usermode_syscall_entry, . - usermode_syscall_entry

/*
 * Exceptions and int $0x80. Every gate pushes a vector (and a zero error code where the
 * CPU pushes none); one from ring 3 (and int $0x80 always) saves the registers as an
 * ExceptionFrame (main.cpp: 15 registers, vector, error code, then the CPU's rip cs
 * rflags rsp ss), calls usermode_exception(frame) and returns with iretq. A fault in the
 * kernel itself goes on to the kernel's own handler, on the frame the CPU pushed.
 */
  .globl usermode_trap_entry
usermode_trap_entry:
  pushq $0
  pushq $0x80
  jmp exception_common
  .globl usermode_invalid_opcode_entry
usermode_invalid_opcode_entry:
  pushq $0
  pushq $6
  jmp fault_common
  .globl usermode_general_protection_entry
usermode_general_protection_entry:
  pushq $13
  jmp fault_common
  .globl usermode_page_fault_entry
usermode_page_fault_entry:
  pushq $14
fault_common:
  testb $3, 24(%rsp)             /* cs */
  jnz exception_common
  cmpq $6, (%rsp)
  je 1f
  cmpq $13, (%rsp)
  je 2f
  leaq 8(%rsp), %rsp
  jmp *usermode_kernel_page_fault(%rip)
1:
  leaq 16(%rsp), %rsp
  jmp *usermode_kernel_invalid_opcode(%rip)
2:
  leaq 8(%rsp), %rsp
  jmp *usermode_kernel_general_protection(%rip)

exception_common:
  CALL_WITH_INTERRUPT_FRAME usermode_exception

/*
 * The user program: one page, position independent (it runs at UserBase, an alias of
 * this page). Not kernel code, so no sites: its syscall, int and ud2 are meant to trap.
 * Checks every round trip itself and exits with the number of the check that failed.
 */
#ifdef AFTERBURNER_SITES_DIRECTIVES
  .afterburner_off
#endif
  .section .text.usermode_user, "ax"
  .balign 4096
  .globl usermode_user_program
usermode_user_program:
  movq %rsp, %r15                /* the stack must survive every kernel entry */
  movq $0x5a5a5a5a, %rbx         /* and the registers the kernel must not change */
  movq $0x1234, %rbp
  movq $0x0123456789abcdef, %r13

  movl $1, %r8d                  /* step 1: int $0x80 adds one; iretq returns here */
  movl $0x41, %eax
  movq $0x99, %rcx
  int $TRAP_ADD
  cmpq $0x42, %rax
  jne .Lfail
  cmpq $0x99, %rcx               /* an iretq return keeps rcx, unlike sysret */
  jne .Lfail
  cmpq %r15, %rsp
  jne .Lfail

  movl $2, %r8d                  /* step 2: #UD from ring 3, which the kernel skips */
  ud2
  cmpq %r15, %rsp
  jne .Lfail
  cmpq $0x5a5a5a5a, %rbx
  jne .Lfail

  movl $3, %r8d                  /* step 3: three echo system calls, sysretq back */
  movq $3, %r12
1:
  movl $SYS_ECHO, %eax
  movq %r12, %rdi
  movq %r13, %rsi
  movq $0x77, %rdx
  movq $0x88, %r10
  syscall
  movq %r12, %r14
  xorq %r13, %r14
  cmpq %r14, %rax                /* echo: rdi ^ rsi */
  jne .Lfail
  cmpq %r12, %rdi                /* the argument registers survive */
  jne .Lfail
  cmpq %r13, %rsi
  jne .Lfail
  cmpq $0x77, %rdx
  jne .Lfail
  cmpq $0x88, %r10
  jne .Lfail
  cmpq %r15, %rsp
  jne .Lfail
  cmpq $0x5a5a5a5a, %rbx
  jne .Lfail
  cmpq $0x1234, %rbp
  jne .Lfail
  decq %r12
  jnz 1b

  movl $4, %r8d                  /* step 4: a string from user memory */
  movl $SYS_WRITE, %eax
  leaq .Lmessage(%rip), %rdi
  movq $.Lmessage_end - .Lmessage, %rsi
  syscall
  cmpq $.Lmessage_end - .Lmessage, %rax
  jne .Lfail

  movl $5, %r8d                  /* step 5: timer interrupts arrive in ring 3 */
  movl $SYS_TICKS, %eax
  syscall
  movq %rax, %r12
  addq $WANTED_TICKS, %r12
  movl $SPIN_ROUNDS, %r14d
2:
  movl $1000, %ecx
3:
  pause
  decl %ecx
  jnz 3b
  movl $SYS_TICKS, %eax
  syscall
  cmpq %r12, %rax
  jae 4f
  decl %r14d
  jnz 2b
  jmp .Lfail
4:
  cmpq %r15, %rsp
  jne .Lfail
  cmpq $0x5a5a5a5a, %rbx
  jne .Lfail

  movl $6, %r8d                  /* step 6: kernel memory is out of reach from ring 3 */
  movabsq $usermode_kernel_context, %rax
  movq $0x6666, %rdx
.Lkernel_read:
  movq (%rax), %rdx              /* #PF; the kernel skips these 3 bytes */
  cmpq $0x6666, %rdx
  jne .Lfail
  cmpq %r15, %rsp
  jne .Lfail

  movl $SYS_EXIT, %eax
  xorl %edi, %edi
  syscall
  jmp .                          /* exit never returns */
.Lfail:
  movl $SYS_EXIT, %eax
  movl %r8d, %edi
  syscall
  jmp .
.Lmessage:
  .ascii "user: hello from ring 3"
.Lmessage_end:
  .balign 4096
  .globl usermode_user_program_end
usermode_user_program_end:
#ifdef AFTERBURNER_SITES_DIRECTIVES
  .afterburner_on
#endif

  .bss
  .balign 8
usermode_kernel_context:
  .skip 8
usermode_user_stack:
  .skip 8
  .globl usermode_kernel_invalid_opcode
  .globl usermode_kernel_general_protection, usermode_kernel_page_fault
usermode_kernel_invalid_opcode:
  .skip 8
usermode_kernel_general_protection:
  .skip 8
usermode_kernel_page_fault:
  .skip 8

  .section .note.GNU-stack, "", @progbits
