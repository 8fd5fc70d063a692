// Shell commands for the CI tests: run one with a bounded time, keep its exit status
// and output; temp dirs that are removed when the test ends. One thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "linespec/harness/process.hpp"
#include "linespec_test/temp_dir.hpp"

namespace linespec::ci::testing {

inline const std::string kBinDir = LINESPEC_BIN_DIR;
inline const std::string kFixtureDir = LINESPEC_FIXTURE_DIR;
inline const std::string kSourceDir = LINESPEC_SOURCE_DIR;
inline const std::string kSchema = kSourceDir + "/docs/report-schema.json";
inline const std::string kValidator = "/usr/bin/python3 " + kSourceDir + "/tests/ci/validate_report.py";
inline constexpr int kSkipped = 77;  // a script's "python module missing"

struct ShellRun {
  int exit_code = -1;
  std::string output;  // stdout
  std::string error;   // the tail of stderr
};

// Runs `line` with /bin/sh -c; fails the test if it does not end within `limit`.
inline ShellRun run_shell(const std::string& line, std::chrono::seconds limit = std::chrono::seconds(120)) {
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  ShellRun run;
  auto child = harness::ChildProcess::start(harness::Command::shell(line), options);
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return run;
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ADD_FAILURE() << "did not finish in time: " << line;
      break;
    }
    auto text = child->read_line(left);
    if (!text) break;
    run.output += *text + "\n";
  }
  auto status = child->wait(std::chrono::milliseconds(10000));
  EXPECT_TRUE(status) << "did not exit: " << line;
  if (status && status->kind == harness::ExitStatus::Kind::kExited) run.exit_code = status->code;
  run.error = child->captured_stderr();
  return run;
}

using linespec::testing::TempDir;

}  // namespace linespec::ci::testing
