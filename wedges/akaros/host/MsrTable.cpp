// MsrTable.cpp: see MsrTable.h.
#include "MsrTable.h"

namespace afterburner::akaros {
namespace {

bool isIn(uint32_t index, uint32_t first, uint32_t last) {
  return index >= first && index <= last;
}

bool isPassThrough(uint32_t index) {
  switch (index) {
  case msr::kFsBase:
  case msr::kGsBase:
  case msr::kEfer:
  case msr::kKernelGsBase:
  case msr::kLstar:
  case msr::kStar:
  case msr::kSfmask:
  case msr::kPredCmd:
  case msr::kApicBase: // emulated by Akaros's kernel; KVM's LAPIC owns it here
    return true;
  default:
    return isIn(index, msr::kX2apicFirst, msr::kX2apicLast);
  }
}

bool isStored(uint32_t index) {
  switch (index) {
  case msr::kSysenterCs:
  case msr::kSysenterEsp:
  case msr::kSysenterEip:
  case msr::kPerfEventSelect0:
  case msr::kPerfEventSelect1:
  case msr::kOffcoreResponse0:
  case msr::kOffcoreResponse1:
  case msr::kPebsLoadLatency:
  case msr::kLbrSelect:
  case msr::kLbrTopOfStack:
    return true;
  default:
    return isIn(index, msr::kLastBranchFromFirst, msr::kLastBranchFromLast) ||
           isIn(index, msr::kLastBranchToFirst, msr::kLastBranchToLast);
  }
}

bool isFakeWrite(uint32_t index) {
  switch (index) {
  case msr::kMicrocodeRevision:
  case msr::kCstar:
  case msr::kEnergyPerfBias:
  case msr::kTscAux:
  case msr::kDebugControl:
  case msr::kTscDeadline:
    return true;
  default:
    return isIn(index, msr::kVmxBasic, msr::kVmxLast);
  }
}

bool isReadZero(uint32_t index) {
  return index == msr::kPerfCapabilities || index == msr::kRaplPowerUnit || index == msr::kMcgCap;
}

} // namespace

MsrClass classifyAkarosMsr(uint32_t index) {
  if (isPassThrough(index))
    return MsrClass::PassThrough;
  if (isStored(index))
    return MsrClass::Stored;
  if (isFakeWrite(index))
    return MsrClass::FakeWrite;
  if (isReadZero(index))
    return MsrClass::ReadZero;
  if (index == msr::kMiscEnable)
    return MsrClass::MiscEnable;
  return MsrClass::Unknown;
}

std::vector<uint32_t> kernelHandledMsrs() {
  return {msr::kApicBase, msr::kPredCmd, msr::kEfer,   msr::kStar,        msr::kLstar,
          msr::kSfmask,   msr::kFsBase,  msr::kGsBase, msr::kKernelGsBase};
}

std::optional<uint64_t> MsrTable::read(uint32_t index) const {
  switch (classifyAkarosMsr(index)) {
  case MsrClass::Stored:
  case MsrClass::FakeWrite: {
    auto found = values_.find(index);
    return found == values_.end() ? 0 : found->second;
  }
  case MsrClass::ReadZero:
    return 0;
  case MsrClass::MiscEnable:
    return kAkarosMiscEnable;
  case MsrClass::PassThrough: // never filtered to user space; answer as absent
  case MsrClass::Unknown:
    break;
  }
  return std::nullopt;
}

bool MsrTable::write(uint32_t index, uint64_t value) {
  switch (classifyAkarosMsr(index)) {
  case MsrClass::Stored:
  case MsrClass::FakeWrite:
    values_[index] = value;
    return true;
  case MsrClass::MiscEnable:
    return value == kAkarosMiscEnable;
  case MsrClass::ReadZero:
  case MsrClass::PassThrough:
  case MsrClass::Unknown:
    break;
  }
  return false;
}

} // namespace afterburner::akaros
