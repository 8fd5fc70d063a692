// keep_freed_memory(): called once from a target's LLVMFuzzerInitialize, so that
// memory an input frees stays in the heap for the next input instead of going back
// to the kernel (glibc trims and unmaps it by default, and every input then pays
// page faults for fresh pages). Changes no behaviour; a no-op outside glibc.
#pragma once

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace linespec::fuzz {

inline void keep_freed_memory() {
#if defined(__GLIBC__)
  // Large blocks from the heap, not mmap (32 MiB is glibc's maximum), and no trimming.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
#endif
}

}  // namespace linespec::fuzz
