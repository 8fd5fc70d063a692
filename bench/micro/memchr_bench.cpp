// The floor every framer figure is compared with: memchr counting LFs over the same buffers.
#include <benchmark/benchmark.h>

#include <cstring>

#include "records.hpp"

namespace linespec::bench {
namespace {

void memchr_scan(benchmark::State& state, RecordShape shape) {
  const RecordBuffer buffer = make_records(shape);
  const char* const end = buffer.bytes.data() + buffer.bytes.size();
  for (auto _ : state) {
    std::size_t records = 0;
    for (const char* p = buffer.bytes.data();; ++p) {
      p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (p == nullptr) break;
      ++records;
    }
    benchmark::DoNotOptimize(records);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buffer.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * buffer.records));
}

const bool kRegistered = [] {
  for (RecordShape shape : {RecordShape::kShort, RecordShape::kLong, RecordShape::kMixed}) {
    benchmark::RegisterBenchmark(("memchr/" + std::string(shape_name(shape))).c_str(), memchr_scan, shape);
  }
  return true;
}();

}  // namespace
}  // namespace linespec::bench
