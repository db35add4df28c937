// Tests for wedges/xen/console_buffer.cpp: one console_io write per line.
#include "console_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace afterburner::xen;

namespace {

std::vector<std::string> writes;
void record(const char *text, size_t length) {
  writes.emplace_back(text, length);
}

} // namespace

TEST(ConsoleBuffer, FlushesPerLine) {
  writes.clear();
  ConsoleBuffer console(record);
  console.write("hello\nwor", 9);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0], "hello\n");
  EXPECT_EQ(console.pending(), 3u);
  console.write("ld\r\n", 4);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[1], "world\r\n");
}

TEST(ConsoleBuffer, FlushesWhenTheKernelWaits) {
  writes.clear();
  ConsoleBuffer console(record);
  console.write("prompt> ", 8);
  EXPECT_TRUE(writes.empty());
  console.flush();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0], "prompt> ");
  console.flush();
  EXPECT_EQ(writes.size(), 1u); // nothing left: no empty write
}

TEST(ConsoleBuffer, FlushesWhenFull) {
  writes.clear();
  ConsoleBuffer console(record);
  const std::string line(ConsoleBuffer::Capacity + 10, 'x');
  console.write(line.data(), line.size());
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].size(), ConsoleBuffer::Capacity);
  EXPECT_EQ(console.pending(), 10u);
}
