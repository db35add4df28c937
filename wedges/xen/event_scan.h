// event_scan.h: Xen's two-level event-channel scan, as pure logic over the shared_info
// words (testable hosted): the selector word says which pending words may have bits; each
// pending, unmasked port is cleared (atomically: Xen sets bits concurrently) and handed to
// dispatch. Masked ports stay pending for a later unmask.
#pragma once

#include <stdint.h>

namespace afterburner::xen {

template <typename Word, typename Dispatch>
void scanEventChannels(Word *selector, Word *pending, const Word *mask, Dispatch dispatch) {
  constexpr unsigned BitsPerWord = sizeof(Word) * 8;
  Word words = __atomic_exchange_n(selector, Word(0), __ATOMIC_SEQ_CST);
  while (words) {
    const unsigned wordIndex = unsigned(__builtin_ctzll(words));
    words &= words - 1;
    Word ready = __atomic_load_n(&pending[wordIndex], __ATOMIC_SEQ_CST) & ~mask[wordIndex];
    while (ready) {
      const unsigned bit = unsigned(__builtin_ctzll(ready));
      ready &= ready - 1;
      __atomic_fetch_and(&pending[wordIndex], ~(Word(1) << bit), __ATOMIC_SEQ_CST);
      dispatch(wordIndex * BitsPerWord + bit);
    }
  }
}

} // namespace afterburner::xen
