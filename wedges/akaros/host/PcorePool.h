// PcorePool.h: which guest pcores exist and which are parked. Akaros parks the
// guest thread of an exited vthread (__vthread_exited) and hands it to the next
// vthread_create (get_parked_vth) before it adds a new pcore (SYS_vmm_add_gpcs).
// Pure bookkeeping; VirtualMachine owns the vCPUs behind the ids.
#ifndef AFTERBURNER_AKAROS_HOST_PCOREPOOL_H
#define AFTERBURNER_AKAROS_HOST_PCOREPOOL_H

#include <cstddef>
#include <set>

namespace afterburner::akaros {

class PcorePool {
public:
  struct Pcore {
    unsigned id;
    bool created; // true: a new pcore; the caller makes its vCPU
  };

  // The lowest parked pcore, or a new one (ids count up from 0).
  Pcore acquire();
  void park(unsigned id);
  unsigned count() const { return count_; }
  std::size_t parkedCount() const { return parked_.size(); }

private:
  unsigned count_ = 0;
  std::set<unsigned> parked_;
};

} // namespace afterburner::akaros

#endif
