// BenchImage.h: the kernel-like image both loader benches run on (LoaderBench.cpp:
// the hosted build; GuestArchiveBench.cpp: the guest's own archive, natively).
//
// N sites in a kernel-like op mix, laid out as a kernel links them: objects of 64
// sites, three quarters of each object's sites in .text and a quarter in .init.text
// (which follows all of .text), one SITES note per object in link order listing its
// .text sites then its .init.text sites. The records are therefore one ascending run
// per object, as in a real kernel, and the sort has to merge them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace afterburner::loader::bench {

struct BenchImage {
  std::vector<uint8_t> bytes; // text, then the note stream, then 64 spare bytes
  uintptr_t base = 0;         // the image address of bytes[0]
  size_t textSize = 0;
  size_t notesSize = 0;
  uintptr_t textStart() const { return base; }
  uintptr_t textEnd() const { return base + textSize; }
  uintptr_t notesStart() const { return base + textSize; }
  uintptr_t notesEnd() const { return notesStart() + notesSize; }
  uintptr_t spare() const { return notesEnd(); } // a wedge entry inside the image
};

// The image for siteCount sites at image address base.
BenchImage buildBenchImage(size_t siteCount, uintptr_t base);

// Bytes the image for siteCount sites takes (to reserve memory before building it).
size_t benchImageSize(size_t siteCount);

} // namespace afterburner::loader::bench
