// linespec-bench: closed-loop load against a line-protocol server, every reply checked against
// the profile. See linespec/bench/cli.hpp for the flags and BENCHMARKS.md for what is measured.
#include <iostream>

#include "linespec/bench/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "Loads a line-protocol server with N connections x D records in flight, checks every reply\n"
      "against the profile and prints records/s, bytes/s and latency percentiles.\n"
      "Exit status: 0 figures printed, 1 wrong or missing reply, 2 bad usage, 3 target unreachable or refusing."};
  linespec::bench::BenchOptions options;
  linespec::bench::add_bench_options(app, options);
  app.set_version_flag("--version", std::string("linespec-bench ") + LINESPEC_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return linespec::bench::run_bench_command(options, "linespec-bench", std::cout, std::cerr);
}
