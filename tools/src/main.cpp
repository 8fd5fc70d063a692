// linespec: the conformance kit's command line. Subcommands live one per file;
// this file only wires them up and turns parse errors into exit status 2.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli_error.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  // A server that vanishes mid-write must not kill the tool.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"Conformance kit for the linespec line protocol", "linespec"};
  app.set_version_flag("--version", std::string(linespec::tools::version_text()));
  app.require_subcommand(1);
  int exit_code = linespec::tools::kExitOk;
  linespec::tools::add_run_command(app, exit_code);
  linespec::tools::add_list_command(app, exit_code);
  linespec::tools::add_replay_command(app, exit_code);
  linespec::tools::add_fuzz_command(app, exit_code);
  linespec::tools::add_probe_command(app, exit_code);
  linespec::tools::add_test_client_command(app, exit_code);
#ifdef LINESPEC_HAS_BENCH
  linespec::tools::add_bench_command(app, exit_code);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return linespec::tools::kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return linespec::tools::kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return linespec::tools::kExitOk;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "linespec: {}\n", e.what());
    return linespec::tools::kExitUsage;
  }
  return exit_code;
}
