// The output options that `run` and `test-client` share: -q/--quiet, -v/--verbose and
// --color auto|always|never, declared on a subcommand and turned into the console
// reporter's style for stdout (a terminal or not, NO_COLOR). main() thread only.
#pragma once

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "linespec/conformance/console_reporter.hpp"

namespace linespec::tools {

struct TerminalOptions {
  bool quiet = false;
  bool verbose = false;
  std::string color = "auto";

  void add_to(CLI::App& app) {
    auto* quiet_flag = app.add_flag("-q,--quiet", quiet, "Print only failures and the summary line");
    app.add_flag("-v,--verbose", verbose,
                 "Print every case with its evidence, and the transcripts of failures")
        ->excludes(quiet_flag);
    app.add_option("--color", color,
                   "Colour the verdicts: auto (on a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
  }

  conformance::ConsoleStyle style() const {
    conformance::Verbosity verbosity = quiet     ? conformance::Verbosity::kQuiet
                                       : verbose ? conformance::Verbosity::kVerbose
                                                 : conformance::Verbosity::kNormal;
    conformance::ColorMode mode = color == "always"  ? conformance::ColorMode::kAlways
                                  : color == "never" ? conformance::ColorMode::kNever
                                                     : conformance::ColorMode::kAuto;
    return conformance::console_style(mode, isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"), verbosity);
  }
};

}  // namespace linespec::tools
