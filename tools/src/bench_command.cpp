// `linespec bench TARGET ...`: the load generator of bench/ (linespec-bench) as a
// subcommand, with the same flags, report and exit status.
#include <iostream>
#include <memory>
#include <string>

#include "cli_error.hpp"
#include "commands.hpp"
#include "linespec/bench/cli.hpp"

namespace linespec::tools {

void add_bench_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<bench::BenchOptions>();
  CLI::App* bench_app = app.add_subcommand(
      "bench", "Load a server with pipelined records, check every reply, print records/s and latency");
  bench_app->set_version_flag("--version", std::string(version_text()));
  bench::add_bench_options(*bench_app, *options);
  bench_app->footer(
      "Exit status: 0 figures printed, 1 a wrong or missing reply or an I/O failure,\n"
      "2 bad usage, 3 target unreachable or refusing.");
  bench_app->callback([options, &exit_code] {
    exit_code = bench::run_bench_command(*options, "linespec bench", std::cout, std::cerr);
  });
}

}  // namespace linespec::tools
