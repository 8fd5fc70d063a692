// Closed-loop load against a line-protocol server: N connections, each keeping D records in
// flight, every reply checked against the profile, latency per record in a merged histogram.
// run_bench() owns its threads and sockets for the length of the call and returns only once
// they are gone; call it from any one thread. Reports are plain values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::bench {

struct BenchConfig {
  Address target;
  Profile profile;                 // what the server answers; every reply is checked against it
  std::size_t connections = 64;
  std::size_t depth = 32;          // records in flight per connection; 0 = idle connections
  std::size_t record_size = 64;    // bytes per record: record_size - 1 filler bytes, then "\n"
  std::chrono::milliseconds duration{5000};  // measured time, after the warmup
  std::chrono::milliseconds warmup{1000};    // load that does not count
  std::chrono::milliseconds timeout{5000};   // for a connect, the greeting, and replies owed
  std::size_t threads = 0;         // event loop threads; 0 = one per core
  // Progress lines ("10000 connections open"), for stderr. Called on the thread that called
  // run_bench(); may be empty.
  std::function<void(std::string_view)> on_notice;
};

// Latency percentiles of the completed records, in nanoseconds.
struct LatencySummary {
  std::uint64_t count = 0;
  std::uint64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
  double mean = 0;
};

struct BenchReport {
  std::string target;              // Address::to_string()
  std::string profile;             // Profile::name
  std::size_t connections = 0, depth = 0, record_size = 0, threads = 0;
  double seconds = 0;              // length of the measured window
  std::uint64_t records = 0;       // replies completed in the window
  std::uint64_t bytes_sent = 0;    // written to the server in the window
  std::uint64_t bytes_received = 0;
  double records_per_second = 0;
  double sent_bytes_per_second = 0;
  double received_bytes_per_second = 0;
  LatencySummary latency;          // from a record's send to its last reply byte
  double cpu_seconds = 0;          // CPU time of this process (all threads) in the window
  std::vector<std::string> notes;  // what run_bench() changed or noticed (e.g. a raised fd limit)
};

// The flags of `linespec-bench` / `linespec bench` as typed, before validation, so that every
// front end shares one meaning of them (see linespec/bench/cli.hpp).
struct BenchOptions {
  std::string target;
  std::size_t connections = 64;
  std::size_t depth = 32;
  std::size_t record_size = 64;
  double seconds = 5;
  double warmup = 1;
  std::size_t timeout_ms = 5000;
  std::size_t threads = 0;
  std::string profile = "seed";    // a built-in name or a profile file
  std::string json_path;           // where the program writes the JSON report; empty = none
};

// Parses the target and profile and checks the numbers; errors are kUsage and name the flag.
Result<BenchConfig> make_bench_config(const BenchOptions& options);

// Opens the connections (raising the open-file soft limit if needed), runs warmup and measured
// window, then waits up to config.timeout for the replies still owed and checks them too.
// Errors: kUsage (config), kUnreachable (connect failed or refused), kProtocol (a wrong,
// missing or unexpected byte, or the server closed a connection), kTimeout, kIo.
Result<BenchReport> run_bench(const BenchConfig& config);

// The report as text for a terminal, several lines.
void print_report(std::ostream& out, const BenchReport& report);
// The report as one JSON object (keys as in BenchReport; latency in nanoseconds).
std::string report_json(const BenchReport& report);

}  // namespace linespec::bench
