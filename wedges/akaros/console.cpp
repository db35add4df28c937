// console.cpp: see console.h.
#include "console.h"

namespace afterburner::akaros {

bool ringUsable(const akaros_console_ring *ring) {
  return ring && ring->magic == AKAROS_CONSOLE_RING_MAGIC && ring->size != 0 &&
         (ring->size & (ring->size - 1)) == 0;
}

void Console::reset(const Platform *platform, akaros_console_ring *ring) {
  platform_ = platform;
  ring_ = ringUsable(ring) ? ring : nullptr;
}

void Console::writeByte(uint8_t byte) {
  if (ring_) {
    const uint64_t head = ring_->head;
    const uint64_t tail = __atomic_load_n(&ring_->tail, __ATOMIC_ACQUIRE);
    if (head - tail < ring_->size) {
      ring_->data[head & (ring_->size - 1)] = static_cast<char>(byte);
      __atomic_store_n(&ring_->head, head + 1, __ATOMIC_RELEASE);
      return;
    }
  }
  if (platform_)
    platform_->hypercall(AKAROS_VMCALL_PRINTC, byte);
}

void Console::write(const char *text, size_t length) {
  for (size_t i = 0; i < length; ++i)
    writeByte(static_cast<uint8_t>(text[i]));
}

} // namespace afterburner::akaros
