// The reference framer (and the per-connection state machine around it) over the same record
// buffers as memchr_bench.cpp, under each terminator mode: ack profiles count records, echo
// walks them with next() as the server does when it streams records back.
#include <benchmark/benchmark.h>

#include "linespec/reference/connection.hpp"
#include "linespec/reference/framer.hpp"
#include "records.hpp"

namespace linespec::bench {
namespace {

struct NamedProfile {
  std::string name;
  Profile profile;
};

std::vector<NamedProfile> framer_profiles() {
  std::vector<NamedProfile> out;
  for (const char* name : {"seed", "lf", "echo"}) out.push_back({name, *builtin_profile(name)});
  Profile crlf = *builtin_profile("seed");
  crlf.name = "crlf-or-lf";
  crlf.terminators = Terminators::kCrlfOrLf;
  out.push_back({"crlf-or-lf", crlf});
  return out;
}

void framer_scan(benchmark::State& state, Profile profile, RecordShape shape) {
  const RecordBuffer buffer = make_records(shape);
  reference::Framer framer(profile);
  const bool walk = profile.reply == ReplyKind::kEcho;
  std::size_t records = 0;
  for (auto _ : state) {
    if (walk) {
      std::string_view input = buffer.bytes;
      while (!input.empty()) {
        reference::Split s = framer.next(input);
        records += s.complete ? 1 : 0;
        input.remove_prefix(s.consumed);
      }
    } else {
      records += framer.count_records(buffer.bytes);
    }
    benchmark::DoNotOptimize(records);
  }
  if (records != buffer.records * state.iterations()) state.SkipWithError("framer miscounted the records");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buffer.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * buffer.records));
}

// What the server does per read: Connection::on_data() in 64 KiB reads, then sending (consuming)
// the replies.
void connection_feed(benchmark::State& state, Profile profile, RecordShape shape) {
  const RecordBuffer buffer = make_records(shape);
  constexpr std::size_t kRead = 64 * 1024;
  reference::Connection connection(profile);
  connection.on_open();
  connection.consume_output(connection.output().size());
  for (auto _ : state) {
    std::string_view input = buffer.bytes;
    while (!input.empty()) {
      std::size_t took = connection.on_data(input.substr(0, kRead));
      input.remove_prefix(took);
      benchmark::DoNotOptimize(connection.output().data());
      connection.consume_output(connection.output().size());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buffer.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * buffer.records));
}

const bool kRegistered = [] {
  for (const NamedProfile& p : framer_profiles()) {
    for (RecordShape shape : {RecordShape::kShort, RecordShape::kLong, RecordShape::kMixed}) {
      std::string suffix = p.name + "/" + std::string(shape_name(shape));
      benchmark::RegisterBenchmark(("framer/" + suffix).c_str(), framer_scan, p.profile, shape);
      benchmark::RegisterBenchmark(("connection/" + suffix).c_str(), connection_feed, p.profile, shape);
    }
  }
  return true;
}();

}  // namespace
}  // namespace linespec::bench
