// Tests for wedges/kvm/register_write.h: in/cpuid results land as x86 writes them.
#include "register_write.h"

#include <gtest/gtest.h>

namespace afterburner::kvm {
namespace {

TEST(RegisterWriteTest, ByteWriteKeepsTheRest) {
  uint64_t rax = 0x1122334455667788ull;
  writeRegister(rax, 0xab, 1);
  EXPECT_EQ(rax, 0x11223344556677abull);
}

TEST(RegisterWriteTest, WordWriteKeepsTheRest) {
  uint64_t rax = 0x1122334455667788ull;
  writeRegister(rax, 0xbeef, 2);
  EXPECT_EQ(rax, 0x112233445566beefull);
}

TEST(RegisterWriteTest, DoublewordWriteZeroExtends) {
  uint64_t rax = 0x1122334455667788ull;
  writeRegister(rax, 0xdeadbeef, 4);
  EXPECT_EQ(rax, 0xdeadbeefull);
}

} // namespace
} // namespace afterburner::kvm
