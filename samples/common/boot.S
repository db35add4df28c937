/*
 * boot.S: the kernel's own entries.
 *
 *  - Multiboot v1 (QEMU -kernel, GRUB): the header with the a.out kludge (QEMU refuses an
 *    ELF64 without it), the 32-bit entry, the switch to long mode on a static 1 GiB
 *    identity map, then kernel_multiboot64() in C++. All of this runs BEFORE the loader,
 *    so it is assembled with sites off: it must run natively wherever it runs at all.
 *  - kernel_entry64: the common 64-bit entry for the wedges' entry stubs (Xen PV, vthread)
 *    and the ELF entry point. See samples/README.md for its contract.
 */

#define MULTIBOOT_MAGIC 0x1badb002
/* Bits 0, 1, 16: align modules, give memory info, addresses in the header (a.out kludge). */
#define MULTIBOOT_FLAGS 0x00010003

#define CR0_PE 0x00000001
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define PAGE_PRESENT_WRITABLE 0x003
#define PAGE_LARGE 0x080

#ifdef AFTERBURNER_SITES_DIRECTIVES
  .afterburner_off
#endif

  .section .multiboot, "a"
  .balign 4
multiboot_header:
  .long MULTIBOOT_MAGIC
  .long MULTIBOOT_FLAGS
  .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
  .long multiboot_header  /* header_addr */
  .long __image_start     /* load_addr */
  .long __load_end        /* load_end_addr: end of the file-backed bytes */
  .long __bss_end         /* bss_end_addr */
  .long multiboot_entry32 /* entry_addr */

  .section .text.boot, "ax"
  .code32
  .globl multiboot_entry32
multiboot_entry32:
  cli
  cld
  movl %eax, multiboot_magic
  movl %ebx, multiboot_info
  movl $kernel_stack_top, %esp
  call build_boot_page_tables
  movl $boot_pml4, %eax
  movl %eax, %cr3
  movl %cr4, %eax
  orl $CR4_PAE, %eax
  movl %eax, %cr4
  movl $MSR_EFER, %ecx
  rdmsr
  orl $EFER_LME, %eax
  wrmsr
  movl %cr0, %eax
  orl $(CR0_PG | CR0_PE), %eax
  movl %eax, %cr0
  lgdt boot_gdt_pointer
  ljmp $0x08, $multiboot_entry64

/* PML4[0] -> PDPT[0] -> PD: 512 large pages, identity map of the first 1 GiB. */
build_boot_page_tables:
  movl $(boot_pdpt + PAGE_PRESENT_WRITABLE), boot_pml4
  movl $(boot_pd + PAGE_PRESENT_WRITABLE), boot_pdpt
  xorl %ecx, %ecx
1:
  movl %ecx, %eax
  shll $21, %eax
  orl $(PAGE_PRESENT_WRITABLE | PAGE_LARGE), %eax
  movl %eax, boot_pd(, %ecx, 8)
  incl %ecx
  cmpl $512, %ecx
  jne 1b
  ret

  .code64
multiboot_entry64:
  movl $0x10, %eax
  movl %eax, %ds
  movl %eax, %es
  movl %eax, %ss
  xorl %eax, %eax
  movl %eax, %fs
  movl %eax, %gs
  movabsq $kernel_stack_top, %rsp
  movl multiboot_magic, %edi
  movl multiboot_info, %esi
  call kernel_multiboot64
2:
  hlt
  jmp 2b

  .section .rodata
  .balign 8
boot_gdt:
  .quad 0
  .quad 0x00af9a000000ffff /* 0x08: 64-bit code */
  .quad 0x00cf92000000ffff /* 0x10: data */
boot_gdt_end:
boot_gdt_pointer:
  .word boot_gdt_end - boot_gdt - 1
  .long boot_gdt

#ifdef AFTERBURNER_SITES_DIRECTIVES
  .afterburner_on
#endif

/*
 * kernel_entry64(const struct afterburner_boot_info *boot in %rdi): switches to the
 * kernel's stack and calls kernel_main64(boot). It contains no sensitive instruction, so
 * it runs unpatched on every platform, in any ring.
 */
  .text
  .globl kernel_entry64
  .type kernel_entry64, @function
kernel_entry64:
  cld
  movabsq $kernel_stack_top, %rsp
  xorl %ebp, %ebp
  call kernel_main64
3:
  jmp 3b
  .size kernel_entry64, . - kernel_entry64

  .bss
  .balign 4096
boot_pml4:
  .skip 4096
boot_pdpt:
  .skip 4096
boot_pd:
  .skip 4096
  .balign 16
  .globl kernel_stack_top
kernel_stack:
  .skip 32768
kernel_stack_top:
multiboot_magic:
  .skip 4
multiboot_info:
  .skip 4

  .section .note.GNU-stack, "", @progbits
