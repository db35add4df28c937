// Tests for wedges/xen/uart_model.cpp: COM1 as a polled console driver sees it.
#include "uart_model.h"

#include <gtest/gtest.h>

#include <string>

using namespace afterburner::xen;

namespace {

std::string sent;
void transmit(char byte) {
  sent += byte;
}

} // namespace

TEST(UartModel, TransmitsThrWrites) {
  sent.clear();
  UartModel uart(transmit);
  uart.write(0x3f8, 'h');
  uart.write(0x3f8, 'i');
  EXPECT_EQ(sent, "hi");
}

TEST(UartModel, LineStatusSaysTransmitterEmpty) {
  UartModel uart(transmit);
  EXPECT_EQ(uart.read(0x3fd) & 0x60, 0x60);
}

TEST(UartModel, DivisorLatchWritesAreNotCharacters) {
  sent.clear();
  UartModel uart(transmit);
  uart.write(0x3fb, 0x80); // DLAB
  uart.write(0x3f8, 0x01);
  uart.write(0x3f9, 0x00);
  EXPECT_EQ(uart.read(0x3f8), 0x01);
  uart.write(0x3fb, 0x03);
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(uart.read(0x3fb), 0x03);
}

TEST(UartModel, ScratchRegisterHoldsItsValue) {
  UartModel uart(transmit);
  uart.write(0x3ff, 0x5a);
  EXPECT_EQ(uart.read(0x3ff), 0x5a);
  uart.write(0x3ff, 0xa5);
  EXPECT_EQ(uart.read(0x3ff), 0xa5);
}

TEST(UartModel, OwnsCom1Only) {
  EXPECT_TRUE(UartModel::ownsPort(0x3f8));
  EXPECT_TRUE(UartModel::ownsPort(0x3ff));
  EXPECT_FALSE(UartModel::ownsPort(0x2f8));
  EXPECT_FALSE(UartModel::ownsPort(0x400));
}
