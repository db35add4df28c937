// CpuidTableTest.cpp: Akaros's CPUID edits (wedges/akaros/host/CpuidTable.cpp).
#include "CpuidTable.h"

#include "akaros_abi.h"

#include <gtest/gtest.h>

#include <cstring>

namespace afterburner::akaros {
namespace {

kvm_cpuid_entry2 entry(uint32_t function, uint32_t index, uint32_t eax, uint32_t ebx, uint32_t ecx,
                       uint32_t edx) {
  kvm_cpuid_entry2 e{};
  e.function = function;
  e.index = index;
  e.eax = eax;
  e.ebx = ebx;
  e.ecx = ecx;
  e.edx = edx;
  return e;
}

std::vector<kvm_cpuid_entry2> hostLike() {
  return {entry(0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69),
          // MONITOR, VMX, PDCM, TSC-deadline set; hypervisor clear; APIC id 7.
          entry(1, 0, 0x806f8, 0x07020800, (1u << 3) | (1u << 5) | (1u << 15) | (1u << 24) | 1,
                0x178bfbff),
          entry(7, 0, 0, 0xffffffff, 0, 0), entry(0xa, 0, 0x7300403, 0xff, 0, 0x603),
          entry(0x40000000, 0, 0x40000001, 1, 2, 3), entry(0x40000001, 0, 0xffff, 0, 0, 0),
          entry(0x80000008, 0, 0x3030, 0, 0, 0)};
}

std::string signatureOf(const kvm_cpuid_entry2 &e) {
  char text[13] = {};
  std::memcpy(text, &e.ebx, 4);
  std::memcpy(text + 4, &e.ecx, 4);
  std::memcpy(text + 8, &e.edx, 4);
  return text;
}

TEST(CpuidTableTest, FeatureLeafIsEditedAsAkarosDoes) {
  CpuidConfiguration configuration;
  configuration.vthreadId = 3;
  configuration.guestPcoreCount = 5;
  auto table = buildAkarosCpuid(hostLike(), configuration);
  const auto *features = findCpuid(table, 1);
  ASSERT_NE(features, nullptr);
  EXPECT_TRUE(features->ecx & (1u << 31)) << "hypervisor bit";
  EXPECT_TRUE(features->ecx & (1u << 21)) << "x2APIC";
  EXPECT_FALSE(features->ecx & (1u << 3)) << "MONITOR hidden";
  EXPECT_FALSE(features->ecx & (1u << 5)) << "VMX hidden";
  EXPECT_FALSE(features->ecx & (1u << 15)) << "PDCM hidden";
  EXPECT_FALSE(features->ecx & (1u << 24)) << "TSC-deadline hidden (a no-op on Akaros)";
  EXPECT_TRUE(features->ecx & 1) << "other bits kept";
  EXPECT_EQ(features->ebx >> 24, 3u) << "APIC id = vthread id";
  EXPECT_EQ((features->ebx >> 16) & 0xff, 5u) << "logical processor count = nr_gpcs";
  EXPECT_EQ(features->ebx & 0xffff, 0x0800u);
}

TEST(CpuidTableTest, TscAdjustAndPerfmonAreHidden) {
  auto table = buildAkarosCpuid(hostLike(), {});
  EXPECT_EQ(findCpuid(table, 7)->ebx, 0xfffffffdu);
  const auto *perfmon = findCpuid(table, 0xa);
  EXPECT_EQ(perfmon->eax | perfmon->ebx | perfmon->ecx | perfmon->edx, 0u);
}

TEST(CpuidTableTest, HypervisorLeavesAreAkarosSignatures) {
  auto table = buildAkarosCpuid(hostLike(), {});
  const auto *kvm = findCpuid(table, AKAROS_CPUID_KVM_LEAF);
  ASSERT_NE(kvm, nullptr);
  EXPECT_EQ(kvm->eax, 0u);
  EXPECT_EQ(std::string(signatureOf(*kvm)), "KVMKVMKVM");
  const auto *akaros = findCpuid(table, AKAROS_CPUID_AKAROS_LEAF);
  ASSERT_NE(akaros, nullptr);
  EXPECT_EQ(akaros->eax, 0u);
  EXPECT_EQ(signatureOf(*akaros), "AKAROSINSIDE");
  const auto *features = findCpuid(table, AKAROS_CPUID_KVM_LEAF + 1);
  ASSERT_NE(features, nullptr);
  EXPECT_EQ(features->eax, 0u) << "no KVM paravirt features claimed";
}

TEST(CpuidTableTest, TunnelLeafOnlyWhenConfigured) {
  EXPECT_EQ(findCpuid(buildAkarosCpuid(hostLike(), {}), AKAROS_CPUID_TUNNEL_LEAF), nullptr);
  CpuidConfiguration configuration;
  configuration.tunnelPort = 0xe0;
  auto table = buildAkarosCpuid(hostLike(), configuration);
  const auto *tunnel = findCpuid(table, AKAROS_CPUID_TUNNEL_LEAF);
  ASSERT_NE(tunnel, nullptr);
  EXPECT_EQ(tunnel->eax, 0xe0u);
  char text[13] = {};
  std::memcpy(text, &tunnel->ebx, 4);
  std::memcpy(text + 4, &tunnel->ecx, 4);
  std::memcpy(text + 8, &tunnel->edx, 4);
  EXPECT_STREQ(text, "VMCALLTUNNEL");
}

TEST(CpuidTableTest, TopologyAndAddressWidth) {
  CpuidConfiguration configuration;
  configuration.vthreadId = 2;
  configuration.guestPcoreCount = 5;
  configuration.physicalAddressBits = 46;
  auto table = buildAkarosCpuid(hostLike(), configuration);
  EXPECT_EQ(findCpuid(table, 0x80000008)->eax, 0x302eu);
  const auto *smt = findCpuid(table, 0xb, 0);
  const auto *core = findCpuid(table, 0xb, 1);
  ASSERT_NE(smt, nullptr);
  ASSERT_NE(core, nullptr);
  EXPECT_EQ(smt->ebx, 1u);
  EXPECT_EQ(core->eax, 3u) << "log2 rounded up of 5";
  EXPECT_EQ(core->ebx, 5u);
  EXPECT_EQ(core->edx, 2u);
}

} // namespace
} // namespace afterburner::akaros
