// What the two reference programs (linespec-server, linespec-client) share as
// command lines: their common exit codes, a one-line error on stderr, and CLI11
// parsing that answers --help and --version with status 0 and turns any parse
// error into one line and status 2. For their main() only.
#pragma once

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace linespec::reference::program {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Prints "NAME: MESSAGE" on stderr; returns `code` for main() to return.
inline int fail(std::string_view name, int code, const std::string& message) {
  std::cerr << name << ": " << message << "\n";
  return code;
}

// Parses the command line; an exit status when main() should return at once.
inline std::optional<int> parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(app.get_name(), kExitUsage, std::string(e.what()) + " (see --help)");
  }
  return std::nullopt;
}

}  // namespace linespec::reference::program
