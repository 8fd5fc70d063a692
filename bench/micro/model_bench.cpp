// The harness model (the oracle, per-byte by design) over the same record buffers, so its cost
// next to the framer's is known when the harness checks long conversations.
#include <benchmark/benchmark.h>

#include "linespec/harness/model.hpp"
#include "records.hpp"

namespace linespec::bench {
namespace {

void model_feed(benchmark::State& state, std::string profile_name, RecordShape shape) {
  const RecordBuffer buffer = make_records(shape);
  const Profile profile = *builtin_profile(profile_name);
  for (auto _ : state) {
    harness::Model model(profile);
    model.feed(buffer.bytes);
    benchmark::DoNotOptimize(model.replies().data());
    if (model.records().size() != buffer.records) state.SkipWithError("model miscounted the records");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buffer.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * buffer.records));
}

const bool kRegistered = [] {
  for (const char* profile : {"seed", "echo"}) {
    for (RecordShape shape : {RecordShape::kShort, RecordShape::kLong, RecordShape::kMixed}) {
      benchmark::RegisterBenchmark(("model/" + std::string(profile) + "/" + std::string(shape_name(shape))).c_str(),
                                   model_feed, std::string(profile), shape);
    }
  }
  return true;
}();

}  // namespace
}  // namespace linespec::bench
