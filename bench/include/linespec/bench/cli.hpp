// The `bench` command line, shared by the linespec-bench program and `linespec bench`: flags
// registered on a CLI11 app, then run and report. Header-only and for mains only (it needs
// CLI11 and writes to the streams and file it is given); the library stays standard C++.
#pragma once

#include <CLI/CLI.hpp>
#include <fstream>
#include <ostream>

#include "linespec/bench/load.hpp"

namespace linespec::bench {

inline void add_bench_options(CLI::App& app, BenchOptions& options) {
  app.add_option("target", options.target, "server to load: tcp:HOST:PORT, tcp://HOST:PORT or unix:PATH")->required();
  app.add_option("--connections,-c", options.connections, "concurrent connections")->capture_default_str();
  app.add_option("--depth,-d", options.depth, "records in flight per connection (0: idle connections)")
      ->capture_default_str();
  app.add_option("--record-size,-b", options.record_size, "bytes per record, the final \"\\n\" included")
      ->capture_default_str();
  app.add_option("--seconds,-s", options.seconds, "measured time")->capture_default_str();
  app.add_option("--warmup", options.warmup, "load before the measured time, not counted")->capture_default_str();
  app.add_option("--timeout", options.timeout_ms, "ms allowed for a connect, the greeting and any reply owed")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "load threads (0: one per core)")->capture_default_str();
  app.add_option("--profile,-p", options.profile, "what the server answers: seed, lf, echo, stream or a profile file")
      ->capture_default_str();
  app.add_option("--json", options.json_path, "also write the report as JSON to this file");
}

// Exit code as documented: 0 figures printed, 1 wrong/missing reply or I/O failure, 2 bad
// usage, 3 target unreachable or refusing.
inline int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return 2;
    case ErrorKind::kUnreachable: return 3;
    default: return 1;
  }
}

// Runs the load the options describe; the report goes to `out`, notices and errors to `err`
// prefixed with `program` ("linespec-bench: ...").
inline int run_bench_command(const BenchOptions& options, std::string_view program, std::ostream& out,
                             std::ostream& err) {
  auto config = make_bench_config(options);
  if (!config) {
    err << program << ": " << config.error().message << "\n";
    return exit_code(config.error().kind);
  }
  config->on_notice = [&](std::string_view line) { err << program << ": " << line << std::endl; };
  auto report = run_bench(*config);
  if (!report) {
    err << program << ": " << report.error().message << "\n";
    return exit_code(report.error().kind);
  }
  print_report(out, *report);
  out.flush();
  if (!options.json_path.empty()) {
    std::ofstream file(options.json_path);
    file << report_json(*report);
    if (!file.flush()) {
      err << program << ": cannot write " << options.json_path << "\n";
      return 2;
    }
  }
  return 0;
}

}  // namespace linespec::bench
