// Tests for loader/op_table.cpp: op descriptions and the opcode check.
#include "op_table.h"

#include <gtest/gtest.h>

#include <string>

namespace afterburner::loader {
namespace {

TEST(OpTable, NamesAndSizesComeFromTheXMacro) {
  EXPECT_STREQ(opName(AFTERBURNER_OP_cli), "cli");
  EXPECT_STREQ(opName(AFTERBURNER_OP_int_n), "int_n");
  EXPECT_STREQ(opName(0), "unknown");
  EXPECT_EQ(opInfo(AFTERBURNER_OP_cli)->minimumSize, AFTERBURNER_SITE_SIZE_IF);
  EXPECT_EQ(opInfo(AFTERBURNER_OP_iret)->flow, AFTERBURNER_FLOW_NO_RETURN);
  EXPECT_EQ(opInfo(AFTERBURNER_OP_LIMIT), nullptr);
}

TEST(OpTable, OpcodeChecksSkipPrefixesAndLookAtModRm) {
  const uint8_t rdfsbase[] = {0xf3, 0x48, 0x0f, 0xae, 0xc0};
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_rdfsbase, rdfsbase, 5, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_wrfsbase, rdfsbase, 5, 64));
  const uint8_t invlpg[] = {0x0f, 0x01, 0x38};
  const uint8_t swapgs[] = {0x0f, 0x01, 0xf8};
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_invlpg, invlpg, 3, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_invlpg, swapgs, 3, 64));
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_swapgs, swapgs, 3, 64));
  // REX is a prefix only in 64-bit code (0x48 is dec %eax in 32-bit code).
  const uint8_t rexIret[] = {0x48, 0xcf};
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_iret, rexIret, 2, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_iret, rexIret, 2, 32));
  // Only prefixes: no opcode.
  const uint8_t prefixes[] = {0x66, 0x66};
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_cli, prefixes, 2, 64));
}

// Annotated page-table writes: mov/xchg with a memory operand, never the register forms
// (which store no entry), each only as its own op.
TEST(OpTable, PageTableWritesNeedAMemoryOperand) {
  const uint8_t store[] = {0x48, 0x89, 0x07};                // movq %rax, (%rdi)
  const uint8_t storeRip[] = {0x48, 0x89, 0x05, 0, 0, 0, 0}; // movq %rax, x(%rip)
  const uint8_t exchange[] = {0x48, 0x87, 0x07};             // xchgq %rax, (%rdi)
  const uint8_t registerMove[] = {0x48, 0x89, 0xc7};         // movq %rax, %rdi
  const uint8_t store32[] = {0x89, 0x07};                    // movl %eax, (%edi)
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_page_table_store, store, 3, 64));
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_page_table_store, storeRip, 7, 64));
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_page_table_store, store32, 2, 32));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_page_table_store, exchange, 3, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_page_table_store, registerMove, 3, 64));
  EXPECT_TRUE(opcodeMatches(AFTERBURNER_OP_page_table_exchange, exchange, 3, 64));
  EXPECT_FALSE(opcodeMatches(AFTERBURNER_OP_page_table_exchange, store, 3, 64));
  EXPECT_STREQ(opName(AFTERBURNER_OP_page_table_store), "page_table_store");
  EXPECT_EQ(opInfo(AFTERBURNER_OP_page_table_exchange)->modes, AFTERBURNER_MODES_NOT16);
}

} // namespace
} // namespace afterburner::loader
