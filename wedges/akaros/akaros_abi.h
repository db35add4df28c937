/* SPDX-License-Identifier: MIT */
/*
 * akaros_abi.h: what the Akaros wedge (guest side, freestanding) and the vthread
 * host (wedges/akaros/host, hosted C++) agree on. Private to wedges/akaros: no
 * other wedge includes it. C11, C++17 and the assembler accept it.
 *
 * Three groups:
 *  1. Akaros's own numbers: vmcall numbers of its default VMM and of vthreads,
 *     its CPUID signature leaves. These are Akaros's ABI (kern/include/ros/vmm.h,
 *     user/vmm/include/vmm/vthread.h), restated here, not invented.
 *  2. The stand-in's hypercall tunnel. Akaros guests issue `vmcall`; KVM consumes
 *     vmcall in the kernel, so the Linux/KVM stand-in cannot receive it. The
 *     stand-in advertises a port-I/O tunnel in an extra CPUID leaf instead: the
 *     guest loads exactly the vmcall registers (rax = number; rdi, rsi, rdx, rcx,
 *     r8 = arguments; result in rax) and executes `out %al, $port` (e6 ib, an
 *     encoding Akaros's VMM also decodes). This is the one fidelity gap.
 *  3. The vthread host block: the stand-in passes its address in rdi to a
 *     kernel started as a vthread (AFTERBURNER_ENTRY_VTHREAD), with the shared
 *     console ring the host drains without any exit.
 */
#ifndef AFTERBURNER_WEDGES_AKAROS_ABI_H
#define AFTERBURNER_WEDGES_AKAROS_ABI_H

/* 1. Akaros's default VMM vmcalls (vm->vmcall not overridden). */
#define AKAROS_VMCALL_PRINTC 1      /* rdi = character */
#define AKAROS_VMCALL_SMPBOOT 2     /* rdi = AP rip, rsi = AP rsp; vCPU 0 only */
#define AKAROS_VMCALL_GET_TSCFREQ 3 /* rax = TSC frequency in kHz */
#define AKAROS_VMCALL_TRACE_TF 4    /* dumps the trapframe; r11 holds the caller's rax */
#define AKAROS_VMCALL_SHUTDOWN 5    /* the VMM exits */

/* Akaros's vthread vmcalls (vm->vmcall = vth_handle_vmcall). */
#define AKAROS_VTH_VMCALL_NULL 0
#define AKAROS_VTH_VMCALL_PRINTC 1 /* rdi = character */
#define AKAROS_VTH_VMCALL_EXIT 2   /* rdi = the value vthread_join returns */
#define AKAROS_VTH_VMCALL_NEXT 3   /* first number an application may define */

/* Akaros's CPUID signatures. Both leaves report eax = 0. */
#define AKAROS_CPUID_KVM_LEAF 0x40000000u    /* "KVMKVMKVM\0\0\0" */
#define AKAROS_CPUID_AKAROS_LEAF 0x40000100u /* "AKAROSINSIDE" */
/* "AKAR" "OSIN" "SIDE" as ebx, ecx, edx (little-endian). */
#define AKAROS_SIGNATURE_EBX 0x52414b41u
#define AKAROS_SIGNATURE_ECX 0x4e49534fu
#define AKAROS_SIGNATURE_EDX 0x45444953u

/* 2. The stand-in's tunnel leaf: ebx, ecx, edx = "VMCALLTUNNEL", eax = the port
 * (below 0x100, so the `out %al, $imm8` form reaches it). Absent on real Akaros,
 * where the wedge issues vmcall. */
#define AKAROS_CPUID_TUNNEL_LEAF 0x40000180u
#define AKAROS_TUNNEL_SIGNATURE_EBX 0x41434d56u /* "VMCA" */
#define AKAROS_TUNNEL_SIGNATURE_ECX 0x55544c4cu /* "LLTU" */
#define AKAROS_TUNNEL_SIGNATURE_EDX 0x4c454e4eu /* "NNEL" */
#define AKAROS_TUNNEL_PORT_DEFAULT 0xe0u

/* Akaros's x2APIC timer counts at 1 MHz (its VMM arms a microsecond alarm per
 * count at divide-by-1). */
#define AKAROS_APIC_TIMER_HZ 1000000u

/* 3. The vthread host block, passed in rdi to a kernel started as a vthread. */
#define AKAROS_VTHREAD_BLOCK_MAGIC 0x4b485456u /* "VTHK" */
#define AKAROS_VTHREAD_BLOCK_VERSION 1u

/* Block flags. */
#define AKAROS_VTHREAD_FLAG_CONSOLE_RING 0x1u /* console_ring is valid: prefer it */
#define AKAROS_VTHREAD_FLAG_STRICT 0x2u       /* the host refuses non-Akaros encodings */
/* The VM runs vthread vmcall numbers (vm->vmcall = vth_handle_vmcall), not the
 * default VMM's: the wedge takes the TSC frequency from tsc_khz instead of
 * GET_TSCFREQ and ends the vthread (VTH_VMCALL_EXIT) where it would SHUTDOWN. */
#define AKAROS_VTHREAD_FLAG_VTHREAD_TABLE 0x4u

/* The console ring: single producer (the guest), single consumer (the host).
 * head counts bytes ever written, tail bytes ever drained; both only grow. The
 * guest writes data[head % size], then publishes head (release); the host reads
 * up to head, then publishes tail. A full ring makes the guest fall back to
 * PRINTC, which the host handles by draining the ring first (order is kept). */
#define AKAROS_CONSOLE_RING_MAGIC 0x474e5952u /* "RYNG" */

/* Byte offset of kernel_entry in the block (the entry stub is assembly). */
#define AKAROS_VTHREAD_BLOCK_KERNEL_ENTRY 48

#if !defined(__ASSEMBLER__)
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct akaros_console_ring {
  uint32_t magic; /* AKAROS_CONSOLE_RING_MAGIC */
  uint32_t size;  /* bytes of data, a power of two */
  volatile uint64_t head;
  volatile uint64_t tail;
  uint64_t reserved;
  char data[]; /* size bytes */
};

struct akaros_vthread_block {
  uint32_t magic;   /* AKAROS_VTHREAD_BLOCK_MAGIC */
  uint32_t version; /* AKAROS_VTHREAD_BLOCK_VERSION */
  uint32_t size;    /* sizeof(struct akaros_vthread_block) */
  uint32_t flags;   /* AKAROS_VTHREAD_FLAG_* */
  uint32_t vthread_id;
  uint32_t tunnel_port; /* 0 on real Akaros: use vmcall */
  uint64_t tsc_khz;     /* also served by GET_TSCFREQ */
  struct akaros_console_ring *console_ring;
  const char *command_line; /* or NULL */
  uint64_t kernel_entry;    /* the kernel's 64-bit entry (ELF e_entry): the stub jumps there */
  uint64_t reserved[3];
};

/* For code that runs as a vthread next to the wedge (exported by the wedge, not an
 * ABI of Akaros): an Akaros vmcall, through the stand-in's tunnel when its CPUID leaf
 * is there and `vmcall` otherwise. rax = number; rdi, rsi, rdx, rcx, r8 = arguments;
 * returns rax. */
uint64_t afterburner_akaros_vmcall(uint64_t number, uint64_t arg0, uint64_t arg1, uint64_t arg2,
                                   uint64_t arg3, uint64_t arg4);

#ifdef __cplusplus
static_assert(offsetof(akaros_vthread_block, kernel_entry) == AKAROS_VTHREAD_BLOCK_KERNEL_ENTRY,
              "entry stub offset");
}
#else
_Static_assert(offsetof(struct akaros_vthread_block, kernel_entry) ==
                   AKAROS_VTHREAD_BLOCK_KERNEL_ENTRY,
               "entry stub offset");
#endif

#endif /* !__ASSEMBLER__ */

#endif /* AFTERBURNER_WEDGES_AKAROS_ABI_H */
