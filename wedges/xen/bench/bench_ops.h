// bench_ops.h: what the bench guest's two halves share: the Auto loops (auto_ops.cpp,
// assembled by afterburner-as) called from the hand-written half (manual_bench.cpp).
#pragma once

#include <stdint.h>

constexpr uint16_t BenchCom1 = 0x3f8;
constexpr uint32_t BenchMsrEfer = 0xc0000080;
constexpr uint64_t BenchTestAddress = 1ull << 32;

extern "C" {
uint64_t auto_cli_sti(uint64_t iterations);
uint64_t auto_pushf_popf(uint64_t iterations);
uint64_t auto_cpuid(uint64_t iterations);
uint64_t auto_rdmsr(uint64_t iterations);
uint64_t auto_out_uart(uint64_t iterations);
uint64_t auto_in_lsr(uint64_t iterations);
uint64_t auto_cr3_reload(uint64_t iterations);
uint64_t auto_invlpg(uint64_t iterations);
uint64_t auto_exception(uint64_t iterations);
uint64_t auto_trampoline(uint64_t iterations);
void loadAutoIdt(uint16_t limit, uint64_t base);
void auto_unimplemented();
}
