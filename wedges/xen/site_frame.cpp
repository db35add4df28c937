// site_frame.cpp: register and operand access for site handlers (see site_frame.h).
#include "site_frame.h"

namespace afterburner::xen {

uint64_t *registerSlot(SiteFrame &frame, unsigned number) {
  switch (number) {
  case 0:
    return &frame.rax;
  case 1:
    return &frame.rcx;
  case 2:
    return &frame.rdx;
  case 3:
    return &frame.rbx;
  case 5:
    return &frame.rbp;
  case 6:
    return &frame.rsi;
  case 7:
    return &frame.rdi;
  case 8:
    return &frame.r8;
  case 9:
    return &frame.r9;
  case 10:
    return &frame.r10;
  case 11:
    return &frame.r11;
  case 12:
    return &frame.r12;
  case 13:
    return &frame.r13;
  case 14:
    return &frame.r14;
  case 15:
    return &frame.r15;
  default:
    return nullptr; // rsp, rip, none
  }
}

uint64_t readRegister(SiteFrame &frame, unsigned number) {
  if (number == AFTERBURNER_REG_RSP)
    return interruptedStackPointer(frame);
  const uint64_t *slot = registerSlot(frame, number);
  return slot ? *slot : 0;
}

void writeRegister(SiteFrame &frame, unsigned number, uint64_t value, unsigned width) {
  uint64_t *slot = registerSlot(frame, number);
  if (!slot)
    return;
  if (width == 8 || width == 0)
    *slot = value;
  else if (width == 4)
    *slot = uint32_t(value);
  else if (width == 2)
    *slot = (*slot & ~uint64_t(0xffff)) | uint16_t(value);
  else
    *slot = (*slot & ~uint64_t(0xff)) | uint8_t(value);
}

uint64_t effectiveAddress(SiteFrame &frame, const afterburner_site &site,
                          const SegmentBases &bases) {
  if (site.operand_form == AFTERBURNER_OPERAND_MEMORY_SELF_RELATIVE)
    return uint64_t(uintptr_t(&site.displacement)) + uint64_t(int64_t(site.displacement));
  if (site.operand_form != AFTERBURNER_OPERAND_MEMORY)
    return 0;
  uint64_t address = uint64_t(int64_t(site.displacement));
  if (site.base != AFTERBURNER_REG_NONE)
    address += readRegister(frame, site.base);
  if (site.index != AFTERBURNER_REG_NONE)
    address += readRegister(frame, site.index) << site.scale;
  if (site.segment == AFTERBURNER_SEG_FS)
    address += bases.fs;
  else if (site.segment == AFTERBURNER_SEG_GS)
    address += bases.gs;
  if (site.mode == 32)
    address = uint32_t(address);
  return address;
}

} // namespace afterburner::xen
