// How `linespec replay` and `linespec fuzz` show a script run: for each failing
// connection its failures, then what was sent (chunk by chunk), what the model
// expected and what was received.
// main() thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "linespec/harness/replay.hpp"

namespace linespec::tools {

// Prints the evidence of every failing connection of `result` to stdout, indented by
// four spaces; with `transcripts`, each failing connection's transcript too.
void print_failures(const harness::ScriptResult& result, bool transcripts);

// The message of a connection that could not reach the target, if any did.
std::optional<std::string> unreachable_message(const harness::ScriptResult& result);

}  // namespace linespec::tools
