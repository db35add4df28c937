// user_mode.cpp: user mode of a bare-metal kernel under Xen PV.
//
// A 64-bit PV kernel runs in ring 3 too; Xen tells kernel from user mode by the page
// table it runs on. HYPERVISOR_iret to a frame with RPL 3 switches to the user page table
// (Xen 4.17, pv/iret.c: a domain without one is crashed), every entry from user mode
// (trap, event, SYSCALL) switches back and lands on the stack stack_switch named (the
// TSS rsp0, descriptors.cpp). What the kernel's own code does becomes:
//   iretq to RPL 3      -> HYPERVISOR_iret (afterburner_xen_iret_to_user, user_x86_64.S)
//   sysretq             -> HYPERVISOR_iret with VGCF_in_syscall (afterburner_xen_sysret_entry)
//   both first compare the TSS's rsp0 with Xen's ring-0 stack (stack_switch on a change)
//   wrmsr LSTAR         -> CALLBACKTYPE_syscall, whose entry (user_x86_64.S) turns Xen's
//                          frame into SYSCALL's register state and jumps to the LSTAR value
//   wrmsr SFMASK        -> whether that entry unmasks events (SFMASK without IF)
// The user page table (given with the first ring-0 stack, descriptors.cpp) is the
// wedge's own top-level table. It starts empty (Xen adds its own slots when it validates
// it) and gets, on a user-mode page fault, the slot of the faulting address if the
// kernel's own PML4 marks that slot user-accessible: the slot then points at the same
// subtree as in Xen's kernel-mode table, which the software TLB fills from the kernel's
// page tables (mmu.cpp). So ring 3 reaches what the kernel's top level gives it and
// nothing in other slots (the kernel's identity map, the wedge, Xen's start info); within
// a user slot Xen makes every page user-accessible, so a kernel page mapped there is not
// hidden (README.md, "User mode").
#include "user_mode.h"

#include "hypercall.h"

extern "C" {
// user_x86_64.S
extern const char afterburner_xen_syscall_entry[];
extern uint64_t afterburner_xen_syscall_target;
extern uint8_t afterburner_xen_syscall_unmask;
}

namespace afterburner::xen {
namespace {

constexpr uint32_t MsrLstar = 0xc0000082;
constexpr uint32_t MsrSyscallMask = 0xc0000084;
constexpr uint64_t FlagInterrupt = 1u << 9;

constexpr unsigned Slots = 512;

bool syscallRegistered = false;
const start_info_t *userStart = nullptr; // set once the user table is Xen's
alignas(4096) uint64_t userTopTable[Slots];
uint64_t linkedSlots[Slots / 64];
unsigned linkedCount = 0;

long registerSyscallEntry() {
  callback_register_t callback{};
  callback.type = CALLBACKTYPE_syscall;
  // Events masked on entry, as SFMASK with IF masks interrupts; the entry unmasks them
  // for a kernel whose SFMASK leaves IF alone.
  callback.flags = CALLBACKF_mask_events;
  callback.address = (xen_callback_t)(uintptr_t)afterburner_xen_syscall_entry;
  return hypercall<__HYPERVISOR_callback_op>(CALLBACKOP_register, (unsigned long)&callback);
}

} // namespace

unsigned long machineFrameOf(const start_info_t &start, uint64_t address) {
  return ((const unsigned long *)start.mfn_list)[address >> 12];
}

bool userSlotAllowed(uint64_t kernelEntry, unsigned slot) {
  constexpr uint64_t Present = 1u << 0, User = 1u << 2;
  constexpr unsigned FirstXenSlot = 256, EndXenSlots = 272; // Xen's own 8 TiB
  if ((kernelEntry & (Present | User)) != (Present | User))
    return false;
  return slot < FirstXenSlot || slot >= EndXenSlots;
}

long enableUserMode(const start_info_t &start) {
  if (userStart)
    return 0;
  for (uint64_t &entry : userTopTable)
    entry = 0;
  const unsigned long frame = machineFrameOf(start, (uintptr_t)userTopTable);
  // A page table must not be writable through any mapping.
  constexpr uint64_t ReadOnlyPage = (1u << 0) | (1u << 2) | (1u << 5); // present user accessed
  long result =
      updateVaMapping((uintptr_t)userTopTable, uint64_t(frame) << 12 | ReadOnlyPage, UVMF_INVLPG);
  if (result != 0)
    return result;
  mmuext_op operation{};
  operation.cmd = MMUEXT_NEW_USER_BASEPTR;
  operation.arg1.mfn = frame;
  result = mmuextOp(&operation, 1);
  if (result == 0)
    userStart = &start;
  return result;
}

bool userSlotLinked(unsigned slot) {
  return linkedSlots[slot / 64] & (1ull << (slot % 64));
}

bool linkUserSlot(unsigned slot, uint64_t entry) {
  if (!userStart || slot >= Slots)
    return false;
  const uint64_t machine =
      uint64_t(machineFrameOf(*userStart, (uintptr_t)userTopTable)) << 12 | slot * 8;
  mmu_update_t request{machine | MMU_NORMAL_PT_UPDATE, entry};
  if (hypercall<__HYPERVISOR_mmu_update>((unsigned long)&request, 1, 0, DOMID_SELF) != 0)
    return false;
  linkedSlots[slot / 64] |= 1ull << (slot % 64);
  ++linkedCount;
  return true;
}

void unlinkUserSlots() {
  for (unsigned slot = 0; linkedCount && slot < Slots; ++slot) {
    if (!userSlotLinked(slot))
      continue;
    const uint64_t machine =
        uint64_t(machineFrameOf(*userStart, (uintptr_t)userTopTable)) << 12 | slot * 8;
    mmu_update_t request{machine | MMU_NORMAL_PT_UPDATE, 0};
    hypercall<__HYPERVISOR_mmu_update>((unsigned long)&request, 1, 0, DOMID_SELF);
    linkedSlots[slot / 64] &= ~(1ull << (slot % 64));
    --linkedCount;
  }
}

void syscallMsrWritten(uint32_t msr, uint64_t value) {
  if (msr == MsrSyscallMask) {
    afterburner_xen_syscall_unmask = (value & FlagInterrupt) ? 0 : 1;
    return;
  }
  if (msr != MsrLstar)
    return;
  afterburner_xen_syscall_target = value;
  if (!syscallRegistered && registerSyscallEntry() == 0)
    syscallRegistered = true;
}

} // namespace afterburner::xen
