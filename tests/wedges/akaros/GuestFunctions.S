/* GuestFunctions.S: tiny guest functions the vthread host tests run as vthreads.
 * They use the stand-in's tunnel at the default port (0xe0): rax = vmcall
 * number, rdi = argument, `out %al, $0xe0`. */
#include "akaros_abi.h"

#define TUNNEL out %al, $AKAROS_TUNNEL_PORT_DEFAULT

  .text
/* EXIT(rdi + 1). */
  .globl test_guest_increment
test_guest_increment:
  lea 1(%rdi), %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* Prints the NUL-terminated string at rdi with PRINTC, then EXIT(length). */
  .globl test_guest_print
test_guest_print:
  mov %rdi, %rsi
  xor %ecx, %ecx
1:
  movzbl (%rsi,%rcx), %edi
  test %edi, %edi
  jz 2f
  mov $AKAROS_VTH_VMCALL_PRINTC, %eax
  TUNNEL
  inc %rcx
  jmp 1b
2:
  mov %rcx, %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* rdi -> { uint64_t *values; uint64_t count; uint64_t sum; }: sums the host's
 * array, stores the sum into the host's struct, EXIT(sum). */
  .globl test_guest_sum
test_guest_sum:
  mov (%rdi), %rsi
  mov 8(%rdi), %rcx
  xor %eax, %eax
1:
  test %rcx, %rcx
  jz 2f
  add (%rsi), %rax
  add $8, %rsi
  dec %rcx
  jmp 1b
2:
  mov %rax, 16(%rdi)
  mov %rax, %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* rdi -> { uint32_t leaf, subleaf, eax, ebx, ecx, edx }: runs cpuid, EXIT(0). */
  .globl test_guest_cpuid
test_guest_cpuid:
  mov %rdi, %rsi
  mov (%rsi), %eax
  mov 4(%rsi), %ecx
  cpuid
  mov %eax, 8(%rsi)
  mov %ebx, 12(%rsi)
  mov %ecx, 16(%rsi)
  mov %edx, 20(%rsi)
  xor %edi, %edi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* EXIT(rdmsr(rdi)) as edx:eax. An MSR Akaros #GPs triple-faults: no IDT. */
  .globl test_guest_rdmsr
test_guest_rdmsr:
  mov %edi, %ecx
  rdmsr
  shl $32, %rdx
  or %rdx, %rax
  mov %rax, %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* Spins until the host's flag at rdi is non-zero, then EXIT(flag). */
  .globl test_guest_wait_for_flag
test_guest_wait_for_flag:
1:
  pause
  mov (%rdi), %rax
  test %rax, %rax
  jz 1b
  mov %rax, %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* Issues vmcall number rdi through the tunnel with rsi as its argument, then
 * EXIT(rax the call returned). */
  .globl test_guest_vmcall
test_guest_vmcall:
  mov %rdi, %rax
  mov %rsi, %rdi
  TUNNEL
  mov %rax, %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* A port-I/O instruction Akaros's VMM cannot decode (out %eax, $0x80), then EXIT(1). */
  .globl test_guest_bad_port_io
test_guest_bad_port_io:
  out %eax, $0x80
  mov $1, %edi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* An input form Akaros's VMM cannot decode (in $0x60, %al), then EXIT(1). */
  .globl test_guest_bad_port_in
test_guest_bad_port_in:
  in $0x60, %al
  mov $1, %edi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* One Akaros decodes (out %al, (%dx) at port 0x80), then EXIT(1). */
  .globl test_guest_good_port_io
test_guest_good_port_io:
  mov $0x80, %edx
  out %al, (%dx)
  mov $1, %edi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* Reads the PCI host bridge id through 0xcf8/0xcfc; EXIT(id). */
  .globl test_guest_pci_id
test_guest_pci_id:
  mov $0xcf8, %edx
  mov $0x80000000, %eax
  out %eax, (%dx)
  mov $0xcfc, %edx
  in (%dx), %eax
  mov %eax, %edi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* Default vmcall table. rdi -> { uint64_t ap_rip, ap_rsp, flag }: boots another
 * guest pcore with Akaros's SMPBOOT (rdi = its rip, rsi = its rsp), waits for it to
 * set the flag, then SHUTDOWN (the default table has no EXIT: its 2 is SMPBOOT). */
  .globl test_guest_smpboot
test_guest_smpboot:
  mov %rdi, %r12
  mov 0(%r12), %rdi
  mov 8(%r12), %rsi
  mov $AKAROS_VMCALL_SMPBOOT, %eax
  TUNNEL
1:
  pause
  mov 16(%r12), %rax
  test %rax, %rax
  jz 1b
  mov $AKAROS_VMCALL_SHUTDOWN, %eax
  TUNNEL
  ud2

/* The booted pcore: its stack's top word holds the request; sets flag = 100 + its
 * x2APIC id, then halts for good (IF = 0) until the VM shuts down. */
  .globl test_guest_application_processor
test_guest_application_processor:
  mov (%rsp), %rbx
  mov $0x802, %ecx
  rdmsr
  add $100, %rax
  mov %rax, 16(%rbx)
1:
  hlt
  jmp 1b

/* Default-table TRACE_TF the way Akaros's Linux guest does it: rax saved in r11,
 * rdi = 0x7ace, then SHUTDOWN. */
  .globl test_guest_trace
test_guest_trace:
  mov $0x1234, %rax
  mov %rax, %r11
  mov $0x7ace, %edi
  mov $AKAROS_VMCALL_TRACE_TF, %eax
  TUNNEL
  mov $AKAROS_VMCALL_SHUTDOWN, %eax
  TUNNEL
  ud2

/* EXIT(rdtsc). */
  .globl test_guest_rdtsc
test_guest_rdtsc:
  rdtsc
  shl $32, %rdx
  or %rax, %rdx
  mov %rdx, %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* Reads GPA page 0 (Akaros's low4k) with a plain mov; EXIT(the byte at 0x40e
 * shifted in with the one at 0x400). */
  .globl test_guest_read_low4k
test_guest_read_low4k:
  movzbl 0x40e, %eax
  movzbl 0x400, %edi
  shl $8, %edi
  or %eax, %edi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* Reads page 0 with `or`, which Akaros's MMIO decoder does not know. EXIT(1). */
  .globl test_guest_or_low4k
test_guest_or_low4k:
  xor %edi, %edi
  orl 0x400, %edi
  mov $1, %edi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* rdi -> { uint64_t gdt, idt, wanted, timer_count }: loads the host-built GDT and
 * IDT (Akaros starts a vthread with neither), reloads CS, arms the x2APIC timer at
 * vector 0x40 when timer_count != 0 (periodic, divide by 1: microseconds at 1 MHz),
 * then halts with IF = 1 until test_guest_interrupt_count reaches wanted.
 * EXIT(the count). */
  .globl test_guest_interrupts
test_guest_interrupts:
  mov %rdi, %r12
  sub $16, %rsp
  movw $23, (%rsp)
  mov 0(%r12), %rax
  mov %rax, 2(%rsp)
  lgdt (%rsp)
  movw $4095, (%rsp)
  mov 8(%r12), %rax
  mov %rax, 2(%rsp)
  lidt (%rsp)
  add $16, %rsp
  lea 1f(%rip), %rax
  pushq $8
  push %rax
  lretq
1:
  mov $16, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %ss
  mov 24(%r12), %rbx
  test %rbx, %rbx
  jz 2f
  mov $0x83e, %ecx           /* TDCR: divide by 1 */
  mov $0xb, %eax
  xor %edx, %edx
  wrmsr
  mov $0x832, %ecx           /* LVTT: vector 0x40, periodic */
  mov $0x20040, %eax
  wrmsr
  mov $0x838, %ecx           /* TMICT */
  mov %ebx, %eax
  wrmsr
2:
  sti
3:
  hlt
  mov test_guest_interrupt_count(%rip), %rax
  cmp 16(%r12), %rax
  jb 3b
  cli
  mov $0x838, %ecx           /* stop the timer */
  xor %eax, %eax
  xor %edx, %edx
  wrmsr
  mov test_guest_interrupt_count(%rip), %rdi
  mov $AKAROS_VTH_VMCALL_EXIT, %eax
  TUNNEL
  ud2

/* The handler of vector 0x40: count, x2APIC EOI (no exit on Akaros), iretq. */
  .globl test_guest_interrupt_handler
test_guest_interrupt_handler:
  push %rax
  push %rcx
  push %rdx
  lock incq test_guest_interrupt_count(%rip)
  mov $0x80b, %ecx
  xor %eax, %eax
  xor %edx, %edx
  wrmsr
  pop %rdx
  pop %rcx
  pop %rax
  iretq

  .data
  .p2align 3
  .globl test_guest_interrupt_count
test_guest_interrupt_count:
  .quad 0

  .section .note.GNU-stack, "", @progbits
