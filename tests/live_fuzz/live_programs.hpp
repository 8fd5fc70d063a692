// The programs the live fuzzing tests run: `linespec` itself (its output and exit
// code collected), the reference server and the fixtures, each started on a free
// loopback port and stopped when the test ends. One thread at a time.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"
#include "linespec/harness/target.hpp"
#include "linespec_test/temp_dir.hpp"

namespace linespec::live_fuzz::testing {

struct ProgramRun {
  int exit_code = -1;  // -1 when it did not exit by itself in time
  std::string out;     // all of stdout
  std::string err;     // the tail of stderr
};

// Runs `linespec ARGS...` to its end (killed after `timeout`).
ProgramRun run_linespec(const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A server for one test: linespec-server with a built-in profile, or fixture-NAME.
class LiveServer {
 public:
  static LiveServer reference(const std::string& profile = "seed");
  static LiveServer fixture(const std::string& name);

  const harness::Target& target() const { return target_; }
  std::string address() const { return target_.to_string(); }

 private:
  LiveServer(harness::SpawnedServer server);

  harness::SpawnedServer server_;
  harness::Target target_;
};

using ScratchDir = linespec::testing::TempDir;

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix);
// The text from the "# linespec script" line up to (not including) the "wrote " line.
std::string printed_script(const std::string& text);
// The path on the "wrote PATH" line, or empty.
std::string written_path(const std::string& text);

}  // namespace linespec::live_fuzz::testing
