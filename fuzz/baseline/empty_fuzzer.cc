// Speed baseline: libFuzzer's own cost per input, for comparing the targets'
// exec/s (fuzz-perf preset). Does nothing with its input.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
