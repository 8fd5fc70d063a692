// The subcommands of `linespec`, one file each. add_<name>_command() declares the
// subcommand and its options on the main App; its callback, run by CLI11 after a
// successful parse, stores the process exit status in `exit_code`. main() thread.
#pragma once

#include <CLI/CLI.hpp>

namespace linespec::tools {

void add_run_command(CLI::App& app, int& exit_code);
void add_list_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_fuzz_command(CLI::App& app, int& exit_code);
void add_probe_command(CLI::App& app, int& exit_code);
void add_test_client_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);

}  // namespace linespec::tools
