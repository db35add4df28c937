/* SPDX-License-Identifier: MIT */
/*
 * site_abi.h: the site-note ABI. THE normative definition of what afterburner-as
 * writes into an object file and what the loader reads back at boot.
 *
 * Copyright (c) 2026 The Afterburner authors.
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy of
 * this software and associated documentation files (the "Software"), to deal in the
 * Software without restriction, including without limitation the rights to use, copy,
 * modify, merge, publish, distribute, sublicense, and/or sell copies of the Software,
 * and to permit persons to whom the Software is furnished to do so, subject to the
 * following conditions: the above copyright notice and this permission notice shall
 * be included in all copies or substantial portions of the Software.
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
 *
 * This header is compiled into guest kernels, hosted tools and assembly files. It
 * must stay self-contained: C11, C++17 and the assembler (__ASSEMBLER__) accept it,
 * and it includes nothing but <stdint.h> and <stddef.h>.
 *
 * ------------------------------------------------------------------------------
 * 1. What a site is
 * ------------------------------------------------------------------------------
 *
 * A "site" is one virtualization-sensitive x86 instruction as the assembler wrote
 * it, followed by padding:
 *
 *     site address                                   site address + site_length
 *     |<-- insn_length -->|<------- padding: canonical nops (section 5) ------->|
 *     | original bytes    | 0f 1f 84 00 00 00 00 00 | 66 90 | ...               |
 *
 * The original instruction runs unchanged on bare metal, so an unpatched image
 * boots natively. At boot the loader may replace the whole site with a wedge's
 * code: inline bytes, a call into the wedge, or a jump (see wedge_abi.h). The
 * assembler never relaxes, splits or reorders a site, and sizes it from the real
 * encoding: site_length = max(insn_length, the op's minimum site size below).
 *
 * ------------------------------------------------------------------------------
 * 2. Where the records live
 * ------------------------------------------------------------------------------
 *
 * Records are carried in ELF notes (Elf_Nhdr + name + descriptor, 4-byte aligned)
 * in a section named AFTERBURNER_NOTE_SECTION, of type SHT_NOTE with SHF_ALLOC,
 * alignment 4. Because every object file contributes only whole notes, the linker
 * may concatenate the sections of any number of objects and the result is still a
 * valid note stream: no per-image header or count exists. Linux's NOTES linker
 * macro (*(.note.*)) and the loader's linker fragment both collect the section
 * into a PT_NOTE segment, so `readelf -n` shows the notes and a loader that only
 * sees program headers still finds them. The section is SHF_ALLOC so the records
 * are in memory when the guest boots.
 *
 * Sites inside a COMDAT group section have their records in a section of the
 * same name that belongs to the same group, so that when the linker discards a
 * duplicate group it discards the records with it.
 *
 * Each note has:
 *   namesz = sizeof(AFTERBURNER_NOTE_NAME) (12, including the NUL),
 *   name   = AFTERBURNER_NOTE_NAME,
 *   type   = AFTERBURNER_NOTE_TYPE_SITES, or another AFTERBURNER_NOTE_TYPE_*,
 *   descsz = for SITES: a multiple of AFTERBURNER_SITE_RECORD_SIZE (one note per
 *            object file and section group holds all of its records).
 *
 * ------------------------------------------------------------------------------
 * 3. Versioning
 * ------------------------------------------------------------------------------
 *
 * The note type carries the format generation: its high 16 bits are the family
 * tag 'AB' (0x4142), the next 8 bits name the kind of note, and the low 8 bits are
 * AFTERBURNER_SITE_ABI_VERSION. Readers apply these rules:
 *   - a note whose owner is not AFTERBURNER_NOTE_NAME, or whose type is not in the
 *     'AB' family, is skipped silently (it belongs to someone else);
 *   - an 'AB' note of a known kind whose generation differs from the reader's is
 *     REFUSED with a message naming both generations; its sites stay native;
 *   - an 'AB' note of an unknown kind is skipped (a newer producer's addition).
 *
 * The rule for changing AFTERBURNER_SITE_ABI_VERSION: bump it whenever a record's
 * size, a field's offset or meaning, an op's id, an op's operand convention, the
 * canonical padding or an existing note kind changes, or an op's minimum site
 * size grows (an older producer's sites of that op would be too short for a
 * wedge's rewrite). Appending a new op at the end of the op list, or a new note
 * kind, does NOT bump it: old readers leave unknown ops native and skip unknown
 * kinds. Every bump gets a CHANGES.md line.
 */
#ifndef AFTERBURNER_SITE_ABI_H
#define AFTERBURNER_SITE_ABI_H

#define AFTERBURNER_SITE_ABI_VERSION 2

/* The owner name of every Afterburner note, and the section that holds them. */
#define AFTERBURNER_NOTE_NAME "Afterburner"
#define AFTERBURNER_NOTE_NAME_SIZE 12 /* namesz, with the NUL; already 4-aligned */
#define AFTERBURNER_NOTE_SECTION ".note.afterburner"

/* Note types: 'AB' << 16 | kind << 8 | generation. */
#define AFTERBURNER_NOTE_FAMILY 0x4142u
#define AFTERBURNER_NOTE_KIND_SITES 0x53u       /* 'S': an array of site records */
#define AFTERBURNER_NOTE_KIND_PATCH_STATE 0x50u /* 'P': what offline patching did */
#define AFTERBURNER_NOTE_TYPE(kind)                                                                \
  ((AFTERBURNER_NOTE_FAMILY << 16) | ((kind) << 8) | AFTERBURNER_SITE_ABI_VERSION)
#define AFTERBURNER_NOTE_TYPE_SITES AFTERBURNER_NOTE_TYPE(AFTERBURNER_NOTE_KIND_SITES)
#define AFTERBURNER_NOTE_TYPE_PATCH_STATE AFTERBURNER_NOTE_TYPE(AFTERBURNER_NOTE_KIND_PATCH_STATE)
#define AFTERBURNER_NOTE_TYPE_FAMILY(type) ((type) >> 16)
#define AFTERBURNER_NOTE_TYPE_KIND(type) (((type) >> 8) & 0xffu)
#define AFTERBURNER_NOTE_TYPE_GENERATION(type) ((type)&0xffu)

/*
 * ------------------------------------------------------------------------------
 * 4. The site record (descriptor of an AFTERBURNER_NOTE_TYPE_SITES note)
 * ------------------------------------------------------------------------------
 *
 * 24 bytes, little-endian, 4-byte aligned, no implicit padding:
 *
 *   offset size field          meaning
 *   0      4    site_offset    signed; site address = (address of this field) +
 *                              site_offset. Written with a PC-relative relocation
 *                              (R_X86_64_PC32 / R_386_PC32), so the table needs no
 *                              run-time relocation and is valid at any load address
 *                              and before paging is on, as Linux's alt_instr is.
 *   4      2    op             an AFTERBURNER_OP_* id (section 6). 0 is invalid.
 *   6      1    site_length    bytes at the site, instruction plus padding.
 *   7      1    insn_length    bytes of the original instruction, prefixes
 *                              included. Invariant: 1 <= insn_length <=
 *                              site_length, and site_length >= the op's minimum.
 *   8      1    mode           16, 32 or 64: the CPU mode the code was assembled for
 *                              (.code16/.code16gcc, .code32, .code64).
 *   9      1    flags          AFTERBURNER_SITE_FLAG_* (below).
 *   10     1    operand_form   AFTERBURNER_OPERAND_*: what describes the
 *                              instruction's explicit general operand.
 *   11     1    operand_width  bytes the instruction transfers or the width of its
 *                              operand: 1, 2, 4 or 8; 0 when not meaningful. For
 *                              pushf/popf/iret/far ret this is the operand size
 *                              (pushfw = 2, pushfq = 8), for in/out/ins/outs the
 *                              port access size.
 *   12     1    reg            the instruction's register-only general operand
 *                              (x86 ModRM.reg when it names a general register:
 *                              the destination of lar/lsl/lds, the source of arpl,
 *                              invpcid's type), an AFTERBURNER_REG_* number, or
 *                              AFTERBURNER_REG_NONE.
 *   13     1    special        the control, debug or segment register the
 *                              instruction names (mov %dr7: 7; mov to %ss: 2, in
 *                              AFTERBURNER_SEG_* numbering; lds: 3), or
 *                              AFTERBURNER_REG_NONE.
 *   14     1    base           operand_form GPR: the register. MEMORY: the base
 *                              register or AFTERBURNER_REG_NONE. Otherwise NONE.
 *   15     1    index          MEMORY: the index register or AFTERBURNER_REG_NONE.
 *   16     1    scale          MEMORY: log2 of the index scale (0..3).
 *   17     1    segment        explicit segment override prefix (AFTERBURNER_SEG_*)
 *                              or AFTERBURNER_REG_NONE for the default segment.
 *   18     2    immediate      IMMEDIATE: the value (port of in/out imm8, vector of
 *                              int n). FAR_POINTER: the selector.
 *   20     4    displacement   MEMORY: the signed displacement, absolute (it may
 *                              carry an absolute relocation such as R_X86_64_32S).
 *                              MEMORY_SELF_RELATIVE: effective address = (address
 *                              of this field) + displacement (RIP-relative
 *                              operands are recorded this way, with a PC-relative
 *                              relocation). FAR_POINTER: the offset. Else 0.
 *
 * Operand information is complete enough for a wedge to emulate the instruction
 * without decoding it: the loader never decodes instruction bytes at boot. The
 * implicit operands of an op (rdmsr's ecx, in's al/ax/eax and dx, the string
 * registers of ins/outs, ...) are defined by the instruction and not recorded.
 */
#define AFTERBURNER_SITE_RECORD_SIZE 24

/* Site flags. A flag says where the site is or how it must be treated. */
/* In a section the kernel copies elsewhere at run time (.altinstr_replacement,
 * .altinstr_aux): the bytes at the recorded address are a template that is never
 * executed in place. A loader must not patch such a site in place; the flag lets a
 * kernel that copies the template patch the copy with the same record. */
#define AFTERBURNER_SITE_FLAG_COPIED_SECTION 0x01u
/* In .init.text (or another .init.* text section): freed after boot. */
#define AFTERBURNER_SITE_FLAG_INIT_SECTION 0x02u
/* In .exit.text: may be discarded at link time or never run. */
#define AFTERBURNER_SITE_FLAG_EXIT_SECTION 0x04u
/* In early-boot code (.head.text, .text.head, .boot.text): it may have run natively
 * before the loader, so a wedge must accept the state it left behind. */
#define AFTERBURNER_SITE_FLAG_EARLY 0x08u
/* ins/outs with a rep prefix: the count is in (e/r)cx. */
#define AFTERBURNER_SITE_FLAG_REP 0x10u
/* Written by offline patching (afterburner patch): the site already holds the
 * code of the wedge named by the image's PATCH_STATE note; a loader leaves it. */
#define AFTERBURNER_SITE_FLAG_PREPATCHED 0x80u

/* operand_form values. */
#define AFTERBURNER_OPERAND_NONE 0                 /* implicit operands only */
#define AFTERBURNER_OPERAND_GPR 1                  /* general register in base */
#define AFTERBURNER_OPERAND_MEMORY 2               /* segment:[base + index<<scale + disp] */
#define AFTERBURNER_OPERAND_MEMORY_SELF_RELATIVE 3 /* &displacement + displacement */
#define AFTERBURNER_OPERAND_IMMEDIATE 4            /* immediate */
#define AFTERBURNER_OPERAND_FAR_POINTER 5          /* immediate:displacement */

/* General registers, in x86 encoding order; 16-bit and 32-bit names share the
 * number of their 64-bit register (%ax, %eax, %rax are all 0). */
#define AFTERBURNER_REG_RAX 0
#define AFTERBURNER_REG_RCX 1
#define AFTERBURNER_REG_RDX 2
#define AFTERBURNER_REG_RBX 3
#define AFTERBURNER_REG_RSP 4
#define AFTERBURNER_REG_RBP 5
#define AFTERBURNER_REG_RSI 6
#define AFTERBURNER_REG_RDI 7
#define AFTERBURNER_REG_R8 8
#define AFTERBURNER_REG_R15 15
#define AFTERBURNER_REG_RIP 16 /* never stored: RIP-relative is MEMORY_SELF_RELATIVE */
#define AFTERBURNER_REG_NONE 0xff

/* Segment registers, in x86 encoding order. */
#define AFTERBURNER_SEG_ES 0
#define AFTERBURNER_SEG_CS 1
#define AFTERBURNER_SEG_SS 2
#define AFTERBURNER_SEG_DS 3
#define AFTERBURNER_SEG_FS 4
#define AFTERBURNER_SEG_GS 5

/*
 * ------------------------------------------------------------------------------
 * 5. Canonical padding
 * ------------------------------------------------------------------------------
 *
 * The padding after the instruction, and any padding a loader leaves after the
 * code it writes, is a run of the nops below, longest first (a 13-byte gap is a
 * 9-byte nop then a 4-byte nop). In 16-bit mode the multi-byte forms would
 * decode differently (no SIB byte), so 16-bit padding is 0x90 bytes only.
 * Because the padding is canonical, a loader can check it byte for byte, and on
 * bare metal nothing needs to be written at all.
 */
#define AFTERBURNER_NOP_MAX 9
#define AFTERBURNER_NOP1 0x90
#define AFTERBURNER_NOP2 0x66, 0x90
#define AFTERBURNER_NOP3 0x0f, 0x1f, 0x00
#define AFTERBURNER_NOP4 0x0f, 0x1f, 0x40, 0x00
#define AFTERBURNER_NOP5 0x0f, 0x1f, 0x44, 0x00, 0x00
#define AFTERBURNER_NOP6 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00
#define AFTERBURNER_NOP7 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00
#define AFTERBURNER_NOP8 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00
#define AFTERBURNER_NOP9 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00

/*
 * ------------------------------------------------------------------------------
 * 6. The ops
 * ------------------------------------------------------------------------------
 *
 * AFTERBURNER_SITE_OPS(X) calls X(name, id, minimum site size, class, flow, modes)
 * once per op, in id order:
 *
 *   name   lower-case identifier, after the instruction it stands for.
 *   id     explicit, dense from 1, APPEND-ONLY: an id is never reused or
 *          renumbered; new ops go at the end (no version bump, see section 3).
 *   size   the minimum site_length. It is the largest rewrite any wedge may put
 *          there: every site can hold the generic call form of wedge_abi.h
 *          (call rel32 + a 7-byte nop carrying the record reference: 12 bytes),
 *          and the interrupt-flag ops, which are hot, leave room for inline
 *          sequences (16 bytes; pushf and popf, which must also keep or load
 *          every arithmetic flag exactly, 32 and 48 bytes since generation 2:
 *          inline there, a paravirtual pushf/popf costs no more than a
 *          hand-written port's calls; wedges/xen/README.md measures it), and
 *          iret 64 bytes since generation 2 (an inline return to the kernel:
 *          the interrupt flag from the frame, the pending check, the
 *          hypervisor's selectors; iret sites are rare, only in entry code).
 *   class  PRIVILEGED: in Popek and Goldberg's sense, it traps (#GP/#UD) when run
 *          outside ring 0 or in a deprivileged guest, so a trap-and-emulate
 *          hypervisor sees it. SENSITIVE: sensitive but UNPRIVILEGED: it reads
 *          or changes privileged state without trapping (or traps only under
 *          optional features), so a deprivileged guest silently gets a wrong
 *          answer or loses an effect. These are the instructions that make x86
 *          not classically virtualizable; they are why sites exist at all.
 *          ANNOTATED: the instruction is NOT sensitive by itself (an ordinary
 *          store); the kernel's source marked it, with an assembler directive,
 *          as an operation a hypervisor may need to see (section 6a). Natively
 *          and on platforms that do not care it runs as written (NATIVE).
 *   flow   RETURNS: execution continues after the site. NO_RETURN: it transfers
 *          control (iret, sysret, far jmp, ...), so a call form is not needed and a
 *          wedge may use a jump.
 *   modes  the CPU modes in which the instruction exists (AFTERBURNER_MODE_*).
 *
 * Why each matters for a wedge is noted beside it. The operand fields a site
 * record fills for each op are named after the arrow.
 */
#define AFTERBURNER_MODE_16 0x1u
#define AFTERBURNER_MODE_32 0x2u
#define AFTERBURNER_MODE_64 0x4u
#define AFTERBURNER_MODES_ALL (AFTERBURNER_MODE_16 | AFTERBURNER_MODE_32 | AFTERBURNER_MODE_64)
#define AFTERBURNER_MODES_LEGACY (AFTERBURNER_MODE_16 | AFTERBURNER_MODE_32)
#define AFTERBURNER_MODES_NOT16 (AFTERBURNER_MODE_32 | AFTERBURNER_MODE_64)

#define AFTERBURNER_CLASS_PRIVILEGED 1
#define AFTERBURNER_CLASS_SENSITIVE 2
#define AFTERBURNER_CLASS_ANNOTATED 3
#define AFTERBURNER_FLOW_RETURNS 1
#define AFTERBURNER_FLOW_NO_RETURN 2

#define AFTERBURNER_SITE_SIZE_CALL 12  /* call rel32 + nopl disp32(%rax) */
#define AFTERBURNER_SITE_SIZE_IF 16    /* room for inline interrupt-flag code */
#define AFTERBURNER_SITE_SIZE_PUSHF 32 /* room for inline pushf with its IF fix-up */
#define AFTERBURNER_SITE_SIZE_POPF 48  /* room for inline popf loading the flags */
#define AFTERBURNER_SITE_SIZE_IRET 64  /* room for an inline iretq back to the kernel */

#define AFTERBURNER_P AFTERBURNER_CLASS_PRIVILEGED
#define AFTERBURNER_S AFTERBURNER_CLASS_SENSITIVE
#define AFTERBURNER_R AFTERBURNER_FLOW_RETURNS
#define AFTERBURNER_N AFTERBURNER_FLOW_NO_RETURN
#define AFTERBURNER_C AFTERBURNER_SITE_SIZE_CALL
#define AFTERBURNER_I AFTERBURNER_SITE_SIZE_IF
#define AFTERBURNER_A AFTERBURNER_CLASS_ANNOTATED

/* clang-format off */
#define AFTERBURNER_SITE_OPS(X)                                                                   \
  /* Interrupt flag. cli/sti trap when IOPL < CPL; with IOPL raised they silently do     */     \
  /* nothing (Xen PV). pushf exposes the real IF; popf silently drops IF and IOPL changes. */   \
  X(cli,              1, AFTERBURNER_I, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(sti,              2, AFTERBURNER_I, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(pushf,            3, AFTERBURNER_SITE_SIZE_PUSHF, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> width */ \
  X(popf,             4, AFTERBURNER_SITE_SIZE_POPF, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> width */ \
  /* Idling: hlt traps outside ring 0; monitor/mwait trap or misbehave under a VMM.       */   \
  X(hlt,              5, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(monitor,          6, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(mwait,            7, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  /* Port I/O: traps unless the I/O bitmap allows it; every access to an emulated       */     \
  /* device is an exit. -> width, and for the imm8 forms the port in immediate.          */     \
  X(in_imm,           8, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(in_dx,            9, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(out_imm,         10, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(out_dx,          11, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(ins,             12, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> width, REP, segment */ \
  X(outs,            13, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> width, REP, segment */ \
  /* Control registers: the MMU (cr3), paging and protection (cr0, cr4), the fault      */     \
  /* address (cr2) and the task priority (cr8). -> GPR in base.                           */     \
  X(read_cr0,        14, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(write_cr0,       15, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(read_cr2,        16, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(write_cr2,       17, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(read_cr3,        18, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(write_cr3,       19, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(read_cr4,        20, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(write_cr4,       21, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(read_cr8,        22, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODE_64)      \
  X(write_cr8,       23, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODE_64)      \
  X(clts,            24, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(lmsw,            25, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> GPR or memory */ \
  /* smsw is unprivileged: it shows the real cr0 low bits (PE, TS) to any ring.          */     \
  X(smsw,            26, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> GPR or memory */ \
  /* Debug registers: hardware breakpoints belong to the hypervisor. -> GPR, special.    */     \
  X(read_dr,         27, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(write_dr,        28, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  /* Descriptor tables: loads trap; stores do NOT (sgdt/sidt/sldt/str reveal the host's */     \
  /* tables to a deprivileged guest, the classic Popek-Goldberg violation).              */     \
  X(lgdt,            29, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> memory */ \
  X(lidt,            30, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> memory */ \
  X(lldt,            31, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> GPR or memory */ \
  X(ltr,             32, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> GPR or memory */ \
  X(sgdt,            33, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> memory */ \
  X(sidt,            34, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> memory */ \
  X(sldt,            35, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> GPR or memory */ \
  X(str,             36, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> GPR or memory */ \
  /* Segment registers: loads check descriptor privilege against the real GDT (a       */     \
  /* deprivileged kernel's selectors carry a different RPL); reads reveal the real RPL. */     \
  X(write_sreg,      37, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> special, GPR or memory */ \
  X(read_sreg,       38, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> special, GPR or memory */ \
  X(push_sreg,       39, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> special, width */ \
  X(pop_sreg,        40, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> special, width */ \
  X(load_far_pointer,41, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* lds/les/lfs/lgs/lss -> special, reg, memory */ \
  X(far_jmp,         42, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_N, AFTERBURNER_MODES_ALL) /* -> far pointer or memory */ \
  X(far_call,        43, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> far pointer or memory */ \
  X(far_ret,         44, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_N, AFTERBURNER_MODES_ALL) /* -> width, immediate pop */ \
  /* Descriptor inspection: unprivileged, answers from the real GDT/LDT.                 */     \
  X(lar,             45, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* -> reg, GPR or memory */ \
  X(lsl,             46, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* -> reg, GPR or memory */ \
  X(verr,            47, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* -> GPR or memory */ \
  X(verw,            48, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* -> GPR or memory */ \
  X(arpl,            49, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_LEGACY) /* -> reg, GPR or memory */ \
  /* Model-specific registers, counters and identification.                              */     \
  X(rdmsr,           50, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(wrmsr,           51, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  /* rdtsc/rdtscp/rdpmc trap only when CR4.TSD/PCE say so: otherwise they reveal host    */     \
  /* time and counters.                                                                   */     \
  X(rdtsc,           52, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(rdtscp,          53, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(rdpmc,           54, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  /* cpuid traps only under VMX/SVM or CPUID faulting; a PV guest otherwise sees the host.*/    \
  X(cpuid,           55, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  /* TLB and caches.                                                                      */     \
  X(invlpg,          56, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> memory */ \
  X(invpcid,         57, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* -> reg (type), memory */ \
  X(wbinvd,          58, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(invd,            59, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  /* Returns to another privilege level: iret restores IF/IOPL from the stack image      */     \
  /* (popf's problem) and checks the real CPL. -> width.                                  */     \
  X(iret,            60, AFTERBURNER_SITE_SIZE_IRET, AFTERBURNER_S, AFTERBURNER_N, AFTERBURNER_MODES_ALL) \
  X(sysret,          61, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_N, AFTERBURNER_MODES_NOT16) /* -> width */ \
  X(sysexit,         62, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_N, AFTERBURNER_MODES_NOT16) /* -> width */ \
  X(swapgs,          63, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODE_64)      \
  /* Extended state and segment bases.                                                    */     \
  X(xsetbv,          64, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  X(xgetbv,          65, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL)    \
  /* rd/wr fs/gs base are unprivileged when CR4.FSGSBASE is set: a PV kernel's bases   */     \
  /* are the hypervisor's to manage. -> GPR.                                              */     \
  X(rdfsbase,        66, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODE_64)      \
  X(rdgsbase,        67, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODE_64)      \
  X(wrfsbase,        68, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODE_64)      \
  X(wrgsbase,        69, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODE_64)      \
  /* SMAP's AC flag: only meaningful in ring 0; a deprivileged kernel faults on them.   */     \
  X(stac,            70, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_NOT16)  \
  X(clac,            71, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_NOT16)  \
  X(xsaves,          72, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* -> width, memory */ \
  X(xrstors,         73, AFTERBURNER_C, AFTERBURNER_P, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* -> width, memory */ \
  /* Software interrupts go through the real IDT, which a guest does not own.            */     \
  X(int_n,           74, AFTERBURNER_C, AFTERBURNER_S, AFTERBURNER_R, AFTERBURNER_MODES_ALL) /* -> immediate vector */ \
  /* ANNOTATED page-table writes (section 6a): plain stores the kernel marked.           */     \
  X(page_table_store,    75, AFTERBURNER_C, AFTERBURNER_A, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* mov reg -> mem: reg, width, memory */ \
  X(page_table_exchange, 76, AFTERBURNER_C, AFTERBURNER_A, AFTERBURNER_R, AFTERBURNER_MODES_NOT16) /* xchg reg, mem: reg, width, memory */
/* clang-format on */

/*
 * ------------------------------------------------------------------------------
 * 6a. Annotated sites: page-table writes
 * ------------------------------------------------------------------------------
 *
 * A store of a page-table entry is an ordinary `mov`, not a sensitive instruction,
 * yet a paravirtual platform must see it: a Xen PV kernel's tables hold machine
 * frames and are read-only, so the entry must be translated and validated (L4Ka's
 * KaXen annotated pte_set/pgd_set the same way). The assembler cannot tell such a
 * store from any other, so the kernel marks it: the directive
 *
 *     .afterburner_page_table_store
 *
 * makes the NEXT instruction a site of one of these ops (usable from C:
 * asm volatile(".afterburner_page_table_store\n\tmovq %1, %0"
 *              : "=m"(*entry) : "r"(value));). The instruction must be:
 *
 *   page_table_store     mov reg -> mem (opcode 89; a3 for `movl %eax, moffs32`):
 *                        64-bit `movq %reg, mem` in 64-bit code, 32-bit
 *                        `movl %reg, mem` in 32-bit code (non-PAE 32-bit paging; a
 *                        PAE entry written as two halves is not an entry store and
 *                        cannot be annotated).
 *   page_table_exchange  xchg reg, mem (opcode 87), same widths: an atomic
 *                        read-and-replace (get-and-clear of an entry whose
 *                        accessed/dirty bits matter); reg receives the old entry.
 *
 * Anything else after the directive is an assembler error. The record: operand_form
 * MEMORY or MEMORY_SELF_RELATIVE (the entry's address: base, index, scale, segment,
 * displacement, as for every memory operand), reg = the register holding the new
 * entry (AFTERBURNER_REG_*), operand_width = 8 or 4. The entry is the value the
 * kernel built for bare metal (pseudo-physical frames, its own flags); the site-call
 * entry of a wedge behaves as the instruction: after it returns, the entry in the
 * kernel's table holds the value (an exchange's reg holds the old one), and the
 * wedge's view of the translation is coherent with it. Bare metal, and wedges whose
 * platform walks the kernel's tables itself (hardware virtualization), use NATIVE.
 * An annotation never replaces invlpg/cr3 on bare metal: a kernel still flushes as
 * x86 requires. Under .afterburner_off or --no-sites the directive is checked the
 * same way but makes no site.
 */

#if !defined(__ASSEMBLER__)
#include <stddef.h>
#include <stdint.h>

/* Op ids as an enum: AFTERBURNER_OP_cli == 1, ... */
enum afterburner_op {
  AFTERBURNER_OP_INVALID = 0,
#define AFTERBURNER_OP_ENUMERATOR(name, id, size, class_, flow, modes) AFTERBURNER_OP_##name = id,
  AFTERBURNER_SITE_OPS(AFTERBURNER_OP_ENUMERATOR)
#undef AFTERBURNER_OP_ENUMERATOR
      AFTERBURNER_OP_LIMIT /* one past the largest id: ids are dense from 1 */
};
#define AFTERBURNER_OP_COUNT (AFTERBURNER_OP_LIMIT - 1)

/* One site record; section 4 is its specification. */
struct afterburner_site {
  int32_t site_offset;
  uint16_t op;
  uint8_t site_length;
  uint8_t insn_length;
  uint8_t mode;
  uint8_t flags;
  uint8_t operand_form;
  uint8_t operand_width;
  uint8_t reg;
  uint8_t special;
  uint8_t base;
  uint8_t index;
  uint8_t scale;
  uint8_t segment;
  uint16_t immediate;
  int32_t displacement;
};

/* The ELF note header, as in <elf.h>, so guests need no libc header. */
struct afterburner_note_header {
  uint32_t name_size;
  uint32_t descriptor_size;
  uint32_t type;
};

/*
 * The descriptor of an AFTERBURNER_NOTE_TYPE_PATCH_STATE note. The loader library
 * carries one, zero-filled, so every linked guest has room for it; `afterburner
 * patch` fills it when it pre-patches an image for one wedge. A loader that finds
 * it filled selects that wedge only and leaves PREPATCHED sites as they are.
 */
#define AFTERBURNER_WEDGE_NAME_SIZE 16
struct afterburner_patch_state {
  char wedge[AFTERBURNER_WEDGE_NAME_SIZE]; /* NUL-padded wedge name; empty: unpatched */
  uint32_t patched_sites;                  /* how many sites offline patching wrote */
  uint32_t reserved;
};

/* The address of a record's site (section 4, site_offset). */
static inline uintptr_t afterburner_site_address(const struct afterburner_site *site) {
  return (uintptr_t)&site->site_offset + (uintptr_t)(intptr_t)site->site_offset;
}

#ifdef __cplusplus
#define AFTERBURNER_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define AFTERBURNER_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif

/* HERE BE DRAGONS: producers in other languages and tools (readelf, the
 * assembler's writer, hand-written .S sites) rely on these exact offsets. */
AFTERBURNER_STATIC_ASSERT(sizeof(struct afterburner_site) == AFTERBURNER_SITE_RECORD_SIZE,
                          "site record is 24 bytes");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, op) == 4, "op at 4");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, site_length) == 6, "site_length at 6");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, mode) == 8, "mode at 8");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, operand_form) == 10, "form at 10");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, reg) == 12, "reg at 12");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, base) == 14, "base at 14");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, scale) == 16, "scale at 16");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, immediate) == 18, "immediate at 18");
AFTERBURNER_STATIC_ASSERT(offsetof(struct afterburner_site, displacement) == 20, "disp at 20");
AFTERBURNER_STATIC_ASSERT(sizeof(struct afterburner_note_header) == 12, "Elf_Nhdr is 12 bytes");
AFTERBURNER_STATIC_ASSERT(sizeof(AFTERBURNER_NOTE_NAME) == AFTERBURNER_NOTE_NAME_SIZE,
                          "note name size");
AFTERBURNER_STATIC_ASSERT(sizeof(struct afterburner_patch_state) == 24, "patch state is 24 bytes");
AFTERBURNER_STATIC_ASSERT(AFTERBURNER_SITE_SIZE_CALL <= AFTERBURNER_SITE_SIZE_IF,
                          "inline room is at least the call form");
AFTERBURNER_STATIC_ASSERT(AFTERBURNER_SITE_SIZE_IF <= AFTERBURNER_SITE_SIZE_PUSHF &&
                              AFTERBURNER_SITE_SIZE_IF <= AFTERBURNER_SITE_SIZE_POPF,
                          "pushf and popf have at least the interrupt-flag room");
AFTERBURNER_STATIC_ASSERT(AFTERBURNER_SITE_SIZE_CALL <= AFTERBURNER_SITE_SIZE_IRET,
                          "iret has at least the call form's room");
AFTERBURNER_STATIC_ASSERT(AFTERBURNER_OP_COUNT == 76, "append ops at the end only");

#else /* __ASSEMBLER__ */

/* Op ids as assembler symbols: AFTERBURNER_OP_cli = 1, ... */
#define AFTERBURNER_OP_EQU(name, id, size, class_, flow, modes) .equ AFTERBURNER_OP_##name, id;
AFTERBURNER_SITE_OPS(AFTERBURNER_OP_EQU)
#undef AFTERBURNER_OP_EQU

/*
 * ------------------------------------------------------------------------------
 * 7. Hand-written sites in .S files
 * ------------------------------------------------------------------------------
 *
 * Two macros let a .S file write a site that is byte-identical to what the
 * assembler emits for a file with that one site (the assembler puts all records
 * of one object in one note; these macros write one note per site, which is
 * equally valid, section 2). For an instruction with implicit operands only:
 *
 *   1: cli
 *   2: AFTERBURNER_PAD 1b, AFTERBURNER_SITE_SIZE_IF
 *      AFTERBURNER_SITE 1b, 2b, AFTERBURNER_OP_cli, AFTERBURNER_SITE_SIZE_IF, 64
 *
 * AFTERBURNER_PAD fills up to the site size with the canonical nops of section 5
 * (the assembler's .nops directive picks other encodings, so the macro spells the
 * bytes). AFTERBURNER_SITE takes the operand fields of section 4 as optional named
 * arguments (form=, width=, reg=, special=, base=, index=, scale=, segment=,
 * immediate=, displacement=) and pushes and pops the note section itself, so it
 * can sit in any code.
 */
/* clang-format off */
.macro AFTERBURNER_PAD start, size
  .if (\size - (. - \start)) >= 9
    .byte AFTERBURNER_NOP9
    AFTERBURNER_PAD \start, \size
  .elseif (\size - (. - \start)) == 8
    .byte AFTERBURNER_NOP8
  .elseif (\size - (. - \start)) == 7
    .byte AFTERBURNER_NOP7
  .elseif (\size - (. - \start)) == 6
    .byte AFTERBURNER_NOP6
  .elseif (\size - (. - \start)) == 5
    .byte AFTERBURNER_NOP5
  .elseif (\size - (. - \start)) == 4
    .byte AFTERBURNER_NOP4
  .elseif (\size - (. - \start)) == 3
    .byte AFTERBURNER_NOP3
  .elseif (\size - (. - \start)) == 2
    .byte AFTERBURNER_NOP2
  .elseif (\size - (. - \start)) == 1
    .byte AFTERBURNER_NOP1
  .endif
.endm

.macro AFTERBURNER_SITE start, insn_end, op, size, mode, flags=0, form=0, width=0, reg=0xff, special=0xff, base=0xff, index=0xff, scale=0, segment=0xff, immediate=0, displacement=0
  .pushsection .note.afterburner, "a", @note
  .balign 4
  .long AFTERBURNER_NOTE_NAME_SIZE
  .long AFTERBURNER_SITE_RECORD_SIZE
  .long AFTERBURNER_NOTE_TYPE_SITES
  .asciz "Afterburner"
  .long \start - .
  .short \op
  .byte \size, \insn_end - \start, \mode, \flags, \form, \width
  .byte \reg, \special, \base, \index, \scale, \segment
  .short \immediate
  .long \displacement
  .popsection
.endm
/* clang-format on */

#endif /* __ASSEMBLER__ */

#endif /* AFTERBURNER_SITE_ABI_H */
