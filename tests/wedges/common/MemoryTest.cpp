// Tests for wedges/common/memory.cpp, compiled under other names (see CMakeLists.txt)
// so the hosted C library keeps its own.
#include <gtest/gtest.h>

#include <cstring>

extern "C" {
void *afterburner_test_memcpy(void *, const void *, size_t);
void *afterburner_test_memmove(void *, const void *, size_t);
void *afterburner_test_memset(void *, int, size_t);
int afterburner_test_memcmp(const void *, const void *, size_t);
}

namespace {

TEST(Memory, CopySetCompare) {
  char source[] = "afterburner";
  char destination[12] = {};
  EXPECT_EQ(afterburner_test_memcpy(destination, source, 12), destination);
  EXPECT_STREQ(destination, "afterburner");
  afterburner_test_memset(destination, 'x', 5);
  EXPECT_STREQ(destination, "xxxxxburner");
  EXPECT_EQ(afterburner_test_memcmp("abc", "abd", 3), -1);
  EXPECT_EQ(afterburner_test_memcmp("abd", "abc", 3), 1);
  EXPECT_EQ(afterburner_test_memcmp("abc", "abc", 3), 0);
  EXPECT_EQ(afterburner_test_memcmp("a", "b", 0), 0);
}

TEST(Memory, MoveHandlesBothOverlaps) {
  char buffer[] = "0123456789";
  afterburner_test_memmove(buffer + 2, buffer, 5);
  EXPECT_STREQ(buffer, "0101234789");
  char other[] = "0123456789";
  afterburner_test_memmove(other, other + 3, 5);
  EXPECT_STREQ(other, "3456756789");
  // The direction flag is clear again afterwards (the ABI requires it).
  unsigned long flags;
  asm volatile("pushf; pop %0" : "=r"(flags));
  EXPECT_FALSE(flags & 0x400);
}

} // namespace
