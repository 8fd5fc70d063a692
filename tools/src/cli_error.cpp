#include "cli_error.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <string>

#include "linespec/conformance/context.hpp"

namespace linespec::tools {

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kUsage: return kExitUsage;
    case ErrorKind::kUnreachable: return kExitUnreachable;
    case ErrorKind::kIo:
    case ErrorKind::kProtocol:
    case ErrorKind::kTimeout: break;
  }
  return kExitFailure;
}

int report_error(const Error& error) {
  std::string line = error.message;
  // One line, whatever the message carries (e.g. a quoted stderr tail).
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  fmt::print(stderr, "linespec: {}\n", line);
  return exit_code_for(error);
}

std::string_view version_text() {
  static const std::string text =
      fmt::format("linespec {} (spec {})", LINESPEC_VERSION, conformance::kSpecVersion);
  return text;
}

}  // namespace linespec::tools
