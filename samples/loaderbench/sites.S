/*
 * sites.S: a never-executed function that carries LOADERBENCH_BLOCKS x 100 sites for the
 * loader to validate and patch, in roughly the proportions a Linux kernel has them:
 * interrupt save/disable/restore (pushf, cli, popf) and sti dominate, then port I/O,
 * MSRs, cpuid and cr3. Ordinary instructions sit between the sites as they would in
 * real code. Per block of 100 sites:
 *   cli 24, pushf 22, popf 22, sti 14, out_dx 4, in_dx 3, in_imm 2, out_imm 2,
 *   rdmsr 2, wrmsr 2, cpuid 1, read_cr3 1, write_cr3 1.
 */
#ifndef LOADERBENCH_BLOCKS
#define LOADERBENCH_BLOCKS 32
#endif

  .text
  .globl loaderbench_sites
  .type loaderbench_sites, @function
loaderbench_sites:
  ud2 /* never called: main.cpp only takes its address */

  .rept LOADERBENCH_BLOCKS
  /* 20 x local_irq_save; ...; local_irq_restore */
  .rept 20
  pushfq
  popq %rax
  cli
  addq $1, %rcx
  pushq %rax
  popfq
  .endr
  /* 2 x save_flags / restore_flags without a cli */
  .rept 2
  pushfq
  popq %rax
  pushq %rax
  popfq
  .endr
  /* 4 x a bare cli, 14 x sti */
  .rept 4
  cli
  incq %rcx
  .endr
  .rept 14
  sti
  incq %rcx
  .endr
  /* port I/O: 3 x in %dx, 2 x in imm, 4 x out %dx, 2 x out imm */
  .rept 3
  movw $0x3fd, %dx
  inb %dx, %al
  .endr
  .rept 2
  inb $0x61, %al
  .endr
  .rept 4
  movw $0x3f8, %dx
  outb %al, %dx
  .endr
  .rept 2
  outb %al, $0x80
  .endr
  /* MSRs, cpuid, cr3 */
  .rept 2
  movl $0x1b, %ecx
  rdmsr
  .endr
  .rept 2
  movl $0xc0000080, %ecx
  wrmsr
  .endr
  xorl %eax, %eax
  cpuid
  movq %cr3, %rax
  movq %rax, %cr3
  .endr

  ret
  .size loaderbench_sites, . - loaderbench_sites

  .section .note.GNU-stack, "", @progbits
