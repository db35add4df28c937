// PcorePool.cpp: see PcorePool.h.
#include "PcorePool.h"

namespace afterburner::akaros {

PcorePool::Pcore PcorePool::acquire() {
  if (!parked_.empty()) {
    const unsigned id = *parked_.begin(); // lowest first: reuse is deterministic
    parked_.erase(parked_.begin());
    return {id, false};
  }
  return {count_++, true};
}

void PcorePool::park(unsigned id) {
  if (id < count_)
    parked_.insert(id);
}

} // namespace afterburner::akaros
