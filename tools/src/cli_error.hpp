// How `linespec` reports a failure that is not a case result: one line on stderr
// naming the problem, and the exit status documented in `linespec run --help`.
// main() thread only.
#pragma once

#include <string_view>

#include "linespec/protocol/result.hpp"

namespace linespec::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;

// 2 for kUsage, 3 for kUnreachable, 1 for the rest.
int exit_code_for(const Error& error);
// Prints "linespec: MESSAGE" on stderr and returns exit_code_for(error).
int report_error(const Error& error);

// "linespec 0.1.0 (spec 1.0)".
std::string_view version_text();

}  // namespace linespec::tools
