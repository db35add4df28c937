// site_sort.cpp: see site_sort.h.
#include "site_sort.h"

namespace afterburner::loader {

namespace {

// Heap sort: in place, no recursion, O(n log n); the fallback without scratch.
void siftDown(SiteEntry *entries, size_t root, size_t count) {
  for (;;) {
    size_t largest = root;
    const size_t left = 2 * root + 1;
    const size_t right = left + 1;
    if (left < count && entries[left].siteAddress > entries[largest].siteAddress)
      largest = left;
    if (right < count && entries[right].siteAddress > entries[largest].siteAddress)
      largest = right;
    if (largest == root)
      return;
    const SiteEntry swap = entries[root];
    entries[root] = entries[largest];
    entries[largest] = swap;
    root = largest;
  }
}

void heapSort(SiteEntry *entries, size_t count) {
  for (size_t root = count / 2; root-- > 0;)
    siftDown(entries, root, count);
  for (size_t end = count; end-- > 1;) {
    const SiteEntry swap = entries[0];
    entries[0] = entries[end];
    entries[end] = swap;
    siftDown(entries, 0, end);
  }
}

struct Scratch {
  SiteEntry *entries;
  size_t capacity;
};

void reverse(SiteEntry *entries, size_t first, size_t end) {
  for (size_t low = first, high = end - 1; low < high; ++low, --high) {
    const SiteEntry swap = entries[low];
    entries[low] = entries[high];
    entries[high] = swap;
  }
}

// The end of the run that starts at first: ascending, or strictly descending and
// then reversed in place (a table listed backwards becomes one run).
size_t nextRun(SiteEntry *entries, size_t first, size_t count) {
  size_t end = first + 1;
  if (end < count && entries[first].siteAddress > entries[end].siteAddress) {
    while (end < count && entries[end - 1].siteAddress > entries[end].siteAddress)
      ++end;
    reverse(entries, first, end);
    return end;
  }
  while (end < count && entries[end - 1].siteAddress <= entries[end].siteAddress)
    ++end;
  return end;
}

// The first index in [first, last) whose address is above (strict) or at least key.
size_t partitionPoint(const SiteEntry *entries, size_t first, size_t last, uintptr_t key,
                      bool strict) {
  while (first < last) {
    const size_t middle = first + (last - first) / 2;
    const uintptr_t address = entries[middle].siteAddress;
    if (strict ? address <= key : address < key)
      first = middle + 1;
    else
      last = middle;
  }
  return first;
}

// The first index in [first, last) whose address is above (strict) or at least key,
// searched from the front in growing steps: O(log distance), so taking a long block
// from one run costs about as little as taking one entry.
size_t gallopForward(const SiteEntry *entries, size_t first, size_t last, uintptr_t key,
                     bool strict) {
  size_t low = first; // every entry before low is below the answer
  size_t probe = first;
  for (size_t step = 1;; step *= 2) {
    if (probe >= last)
      return partitionPoint(entries, low, last, key, strict);
    const uintptr_t address = entries[probe].siteAddress;
    if (strict ? address > key : address >= key)
      return partitionPoint(entries, low, probe, key, strict);
    low = probe + 1;
    probe = low + step;
  }
}

// The same index, searched from the back (the answer is expected near last).
size_t gallopBackward(const SiteEntry *entries, size_t first, size_t last, uintptr_t key,
                      bool strict) {
  size_t high = last; // every entry from high on is past key
  for (size_t step = 1;; step *= 2) {
    if (high - first < step)
      return partitionPoint(entries, first, high, key, strict);
    const size_t probe = high - step;
    const uintptr_t address = entries[probe].siteAddress;
    if (!(strict ? address > key : address >= key))
      return partitionPoint(entries, probe + 1, high, key, strict);
    high = probe;
  }
}

// Copies count entries; destination before source when they overlap.
void copyEntries(SiteEntry *destination, const SiteEntry *source, size_t count) {
  for (size_t index = 0; index < count; ++index)
    destination[index] = source[index];
}

// Copies count entries; destination after source when they overlap.
void copyEntriesBackward(SiteEntry *destination, const SiteEntry *source, size_t count) {
  while (count > 0) {
    --count;
    destination[count] = source[count];
  }
}

// The left run [first, middle) goes to scratch; merged from the front, a block at a time.
void mergeForward(SiteEntry *entries, size_t first, size_t middle, size_t last,
                  SiteEntry *scratch) {
  const size_t leftCount = middle - first;
  copyEntries(scratch, entries + first, leftCount);
  size_t left = 0;
  size_t right = middle;
  size_t out = first;
  while (left < leftCount && right < last) {
    // Right entries below the next left one, then left entries up to the next right one.
    const size_t rightEnd = gallopForward(entries, right, last, scratch[left].siteAddress, false);
    copyEntries(entries + out, entries + right, rightEnd - right);
    out += rightEnd - right;
    right = rightEnd;
    if (right == last)
      break;
    const size_t leftEnd =
        gallopForward(scratch, left, leftCount, entries[right].siteAddress, true);
    copyEntries(entries + out, scratch + left, leftEnd - left);
    out += leftEnd - left;
    left = leftEnd;
  }
  copyEntries(entries + out, scratch + left, leftCount - left); // the right rest is in place
}

// The right run [middle, last) goes to scratch; merged from the back, a block at a time.
void mergeBackward(SiteEntry *entries, size_t first, size_t middle, size_t last,
                   SiteEntry *scratch) {
  size_t rightCount = last - middle;
  copyEntries(scratch, entries + middle, rightCount);
  size_t left = middle; // one past the next left entry
  size_t out = last;    // one past the next slot
  while (rightCount > 0 && left > first) {
    // Left entries above the last right one, then right entries not below the last left one.
    const size_t leftStart =
        gallopBackward(entries, first, left, scratch[rightCount - 1].siteAddress, true);
    out -= left - leftStart;
    copyEntriesBackward(entries + out, entries + leftStart, left - leftStart);
    left = leftStart;
    if (left == first)
      break;
    const size_t rightStart =
        gallopBackward(scratch, 0, rightCount, entries[left - 1].siteAddress, false);
    out -= rightCount - rightStart;
    copyEntries(entries + out, scratch + rightStart, rightCount - rightStart);
    rightCount = rightStart;
  }
  copyEntries(entries + first, scratch, rightCount); // the left rest is in place
}

// Merges the ascending runs [first, middle) and [middle, last), where the left run's
// last entry is above the right run's first. Entries already in their final place
// (left entries not above the right's first, right entries not below the left's last)
// stay; the smaller rest goes through scratch. False, with nothing moved, when that
// rest does not fit in scratch.
bool mergeRuns(SiteEntry *entries, size_t first, size_t middle, size_t last,
               const Scratch &scratch) {
  first = partitionPoint(entries, first, middle, entries[middle].siteAddress, true);
  last = partitionPoint(entries, middle, last, entries[middle - 1].siteAddress, false);
  const bool forward = middle - first <= last - middle;
  if ((forward ? middle - first : last - middle) > scratch.capacity)
    return false;
  if (forward)
    mergeForward(entries, first, middle, last, scratch.entries);
  else
    mergeBackward(entries, first, middle, last, scratch.entries);
  return true;
}

struct Run {
  size_t first;
  size_t length;
};

// The runs found so far, as a stack of adjacent runs (left to right) whose lengths,
// bottom to top, shrink at least as fast as Fibonacci numbers once collapse() has run
// (each below the sum of the two under it). So the stack stays shallow (~1.44 log2 n
// entries: 128 hold any count a size_t can), every entry takes part in O(log n)
// merges, and the table is scanned for runs exactly once.
class RunStack {
public:
  RunStack(SiteEntry *entries, const Scratch &scratch) : entries_(entries), scratch_(scratch) {}

  // False when a merge ran out of scratch (nothing half-merged: entries stay a
  // permutation).
  bool push(size_t first, size_t length) {
    if (size_ == maximumRuns)
      return false;
    runs_[size_++] = {first, length};
    return collapse();
  }

  bool mergeAll() {
    while (size_ > 1) {
      if (!mergeAt(size_ - 2))
        return false;
    }
    return true;
  }

private:
  static constexpr size_t maximumRuns = 128;

  // Restores the invariant, merging the top runs (always the middle one with its
  // smaller neighbour).
  bool collapse() {
    while (size_ > 1) {
      size_t top = size_ - 2;
      const bool belowTooShort =
          top > 0 && runs_[top - 1].length <= runs_[top].length + runs_[top + 1].length;
      const bool deeperTooShort =
          top > 1 && runs_[top - 2].length <= runs_[top - 1].length + runs_[top].length;
      if (belowTooShort || deeperTooShort) {
        if (runs_[top - 1].length < runs_[top + 1].length)
          --top;
      } else if (runs_[top].length > runs_[top + 1].length) {
        return true;
      }
      if (!mergeAt(top))
        return false;
    }
    return true;
  }

  // Merges runs_[index] with the run above it.
  bool mergeAt(size_t index) {
    Run &left = runs_[index];
    const Run &right = runs_[index + 1];
    if (!mergeRuns(entries_, left.first, right.first, right.first + right.length, scratch_))
      return false;
    left.length += right.length;
    for (size_t above = index + 1; above + 1 < size_; ++above)
      runs_[above] = runs_[above + 1];
    --size_;
    return true;
  }

  SiteEntry *entries_;
  Scratch scratch_;
  Run runs_[maximumRuns];
  size_t size_ = 0;
};

// Pushes every run of the table; false when out of scratch.
bool mergeNaturalRuns(SiteEntry *entries, size_t count, const Scratch &scratch) {
  RunStack stack(entries, scratch);
  for (size_t first = 0; first < count;) {
    const size_t end = nextRun(entries, first, count);
    if (!stack.push(first, end - first))
      return false;
    first = end;
  }
  return stack.mergeAll();
}

} // namespace

void sortSitesByAddress(SiteEntry *entries, size_t count, SiteEntry *scratch,
                        size_t scratchCapacity) {
  if (count < 2)
    return;
  const Scratch room = {scratch, scratch ? scratchCapacity : 0};
  if (!mergeNaturalRuns(entries, count, room))
    heapSort(entries, count); // the entries are still a permutation: sorted in place instead
}

} // namespace afterburner::loader
