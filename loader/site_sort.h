// site_sort.h: ordering the valid sites by address.
//
// Records arrive almost in order: an object's notes list its sites in address order
// and objects are linked in order, so a table is a few ascending runs (a kernel whose
// objects have .text and .init.text sites adds about a run per object). The sort
// scans the table once for ascending runs (reversing strictly descending ones: a table
// listed backwards is one run) and merges them on a small stack of runs kept in
// balance (site_sort.cpp): one scan when the table is already in order, O(n log runs)
// otherwise. Each merge leaves in place the entries already where they belong and
// copies only the smaller remaining run into scratch; when that does not fit, the
// table is heap-sorted in place instead. Every path is O(n log n) at worst, with a
// fixed-size stack, no recursion and no allocation.
#pragma once

#include "site_table.h"

#include <stddef.h>

namespace afterburner::loader {

// Sorts entries[0, count) by siteAddress (entries with equal addresses in any order).
// scratch may be nullptr when scratchCapacity is 0; it must not overlap entries.
void sortSitesByAddress(SiteEntry *entries, size_t count, SiteEntry *scratch,
                        size_t scratchCapacity);

} // namespace afterburner::loader
