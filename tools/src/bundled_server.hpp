// The reference server that ships with linespec: `linespec run` without a target
// starts it on a free loopback port with the chosen profile and stops it after.
// main() thread only.
#pragma once

#include <string>

#include "linespec/harness/process.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::tools {

// The path of `linespec-server` next to this executable (via /proc/self/exe).
// Errors: kUnreachable when it is not there.
Result<std::string> bundled_server_path();

// Starts `linespec-server --listen tcp:127.0.0.1:0 --profile PROFILE` and reads its
// `listening` line. Errors: kUnreachable naming the program and quoting its stderr.
Result<harness::SpawnedServer> start_bundled_server(const std::string& profile_source);

}  // namespace linespec::tools
