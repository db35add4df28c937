// guest.h: what the vthreads sample's host (host/main.cpp, hosted) hands to its guest
// functions (guest.cpp, assembled by afterburner-as and run as Akaros vthreads). The
// requests live on the host's heap: the vthreads read and write them directly.
#ifndef AFTERBURNER_SAMPLES_VTHREADS_GUEST_H
#define AFTERBURNER_SAMPLES_VTHREADS_GUEST_H

#include <stddef.h>
#include <stdint.h>

struct akaros_vthread_block;

#ifdef __cplusplus
extern "C" {
#endif

// vthread_boot: runs the Afterburner loader over the host program's own notes.
struct BootRequest {
  const struct akaros_vthread_block *block;
  uintptr_t textStart, textEnd;
  const void *notesStart, *notesEnd;
  char wedge[16];   // out: the selected wedge
  uint32_t sites;   // out
  uint32_t patched; // out
};

// vthread_sum: sums a host array, stores the sum and the TSC cycles it took.
struct SumRequest {
  const uint64_t *values;
  uint64_t count;
  uint64_t sum;    // out
  uint64_t cycles; // out (rdtsc: a site, native in Ring V)
};

// vthread_identify: what cpuid shows a vthread.
struct IdentifyRequest {
  uint32_t apicId;            // out: CPUID.1:EBX[31:24], Akaros's guest pcore id
  char signature[13];         // out: CPUID 0x40000100
  uint32_t interruptsWereOff; // out: pushf saw IF = 0 at entry (Akaros starts vthreads so)
};

// vthread_greet: prints a line through COM1 port I/O, which the wedge turns into
// the console ring; counts its bytes into a host-side histogram.
struct GreetRequest {
  const char *name;
  uint64_t *histogram; // 256 counters on the host heap
};

void vthread_boot(struct BootRequest *request);
void vthread_sum(struct SumRequest *request);
void vthread_identify(struct IdentifyRequest *request);
void vthread_greet(struct GreetRequest *request);

#ifdef __cplusplus
}
#endif

#endif
