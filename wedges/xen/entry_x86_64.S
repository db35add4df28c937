/*
 * entry_x86_64.S: what makes the guest ELF a Xen x86-64 PV kernel.
 *
 *  - The Xen ELF notes (xen/elfnote.h), in .note.Xen: Xen's domain builder reads them to
 *    load the image as a 64-bit PV dom0 or domU. VIRT_BASE = PADDR_OFFSET = 0: the kernel
 *    runs at its link addresses, which are its Multiboot (identity-mapped) addresses. No
 *    PHYS32_ENTRY: that note turns the image into a PVH guest.
 *  - The hypercall page Xen fills with one stub per hypercall (hypercall.h calls them).
 *  - afterburner_xen_start, the ENTRY note's target: Xen enters it in 64-bit mode, in ring
 *    3, on a one-page boot stack, with %rsi = start_info and events masked. It switches to
 *    the wedge's boot stack, lets afterburner_xen_boot() map shared_info and build the
 *    boot info (entry kind AFTERBURNER_ENTRY_XEN_PV), then enters the kernel's common
 *    64-bit entry, kernel_entry64(boot info in %rdi) (samples/README.md).
 *  - The page shared_info is mapped over: its first bytes are vcpu_info[0], whose
 *    evtchn_upcall_mask is the guest's virtual interrupt flag (irq_x86_64.S).
 */
#include <xen/elfnote.h>
#include <xen/features.h>

/* One ELF note named "Xen": the header, whose descriptor runs from label 1 to label 2
 * in the macro that uses it. */
.macro XEN_NOTE_HEADER type
  .pushsection .note.Xen, "a", @note
  .balign 4
  .long 4              /* namesz: "Xen\0" */
  .long 2f - 1f
  .long \type
  .asciz "Xen"
  .balign 4
.endm

.macro XEN_NOTE_STRING type, text
  XEN_NOTE_HEADER \type
1:
  .asciz "\text"
2:
  .balign 4
  .popsection
.endm

.macro XEN_NOTE_QUAD type, value
  XEN_NOTE_HEADER \type
1:
  .quad \value
2:
  .balign 4
  .popsection
.endm

.macro XEN_NOTE_LONG type, value
  XEN_NOTE_HEADER \type
1:
  .long \value
2:
  .balign 4
  .popsection
.endm

  XEN_NOTE_STRING XEN_ELFNOTE_GUEST_OS, "Afterburner"
  XEN_NOTE_STRING XEN_ELFNOTE_GUEST_VERSION, "0.1"
  XEN_NOTE_STRING XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
  XEN_NOTE_STRING XEN_ELFNOTE_LOADER, "generic"
  XEN_NOTE_QUAD XEN_ELFNOTE_VIRT_BASE, 0
  XEN_NOTE_QUAD XEN_ELFNOTE_PADDR_OFFSET, 0
  XEN_NOTE_QUAD XEN_ELFNOTE_ENTRY, afterburner_xen_start
  XEN_NOTE_QUAD XEN_ELFNOTE_HYPERCALL_PAGE, afterburner_xen_hypercall_page
  XEN_NOTE_STRING XEN_ELFNOTE_FEATURES, "pae_pgdir_above_4gb"
  XEN_NOTE_LONG XEN_ELFNOTE_SUPPORTED_FEATURES, (1 << XENFEAT_dom0)

/* Xen overwrites this page with the hypercall stubs; int3 until then. */
  .section .text.afterburner_xen_hypercall_page, "ax"
  .balign 4096
  .globl afterburner_xen_hypercall_page
  .type afterburner_xen_hypercall_page, @function
afterburner_xen_hypercall_page:
  .fill 4096, 1, 0xcc
  .size afterburner_xen_hypercall_page, 4096

  .text
  .globl afterburner_xen_start
  .type afterburner_xen_start, @function
afterburner_xen_start:
  cld
  movq %rsi, afterburner_xen_start_info(%rip)
  leaq afterburner_xen_boot_stack_top(%rip), %rsp
  xorl %ebp, %ebp
  movq %rsi, %rdi
  call afterburner_xen_boot
  movq %rax, %rdi
  jmp kernel_entry64
  .size afterburner_xen_start, . - afterburner_xen_start

/*
 * The kernel defines kernel_entry64; this weak stand-in only says so, through Xen's
 * console, and crashes the domain. It keeps the wedge library free of undefined symbols.
 */
  .weak kernel_entry64
  .type kernel_entry64, @function
kernel_entry64:
  leaq afterburner_xen_boot_stack_top(%rip), %rsp
  call afterburner_xen_no_kernel_entry
1:
  jmp 1b
  .size kernel_entry64, . - kernel_entry64

  .bss
  .balign 4096
  .globl afterburner_xen_shared_page
  .type afterburner_xen_shared_page, @object
afterburner_xen_shared_page:
  .skip 4096
  .size afterburner_xen_shared_page, 4096
  .balign 16
afterburner_xen_boot_stack:
  .skip 16384
afterburner_xen_boot_stack_top:
  .balign 8
  .globl afterburner_xen_start_info
  .type afterburner_xen_start_info, @object
afterburner_xen_start_info:
  .skip 8
  .size afterburner_xen_start_info, 8

  .section .note.GNU-stack, "", @progbits
