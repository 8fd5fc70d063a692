// Runs the `linespec` program as a user would and keeps what it printed, for the
// CLI tests. One thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"

namespace linespec::tools::testing {

inline const std::string kLinespec = std::string(LINESPEC_BIN_DIR) + "/linespec";
inline const std::string kServer = std::string(LINESPEC_BIN_DIR) + "/linespec-server";

struct CliRun {
  int exit_code = -1;
  std::vector<std::string> lines;  // stdout
  std::string error;               // stderr

  std::string text() const {
    std::string all;
    for (const std::string& line : lines) all += line + "\n";
    return all;
  }
  std::string last_line() const { return lines.empty() ? std::string() : lines.back(); }
};

// Called with each stdout line as it arrives (already kept in CliRun::lines), and the
// running program, e.g. to signal it.
using OnLine = std::function<void(const std::string& line, harness::ChildProcess& child)>;

inline CliRun run_linespec(std::vector<std::string> args, const OnLine& on_line = {}) {
  using std::chrono::milliseconds;
  args.insert(args.begin(), kLinespec);
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto child = harness::ChildProcess::start(harness::Command::program(args), options);
  CliRun run;
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return run;
  }
  // Until stdout ends; a hung program shows up as a timeout here.
  for (;;) {
    auto line = child->read_line(milliseconds(60000));
    if (!line) {
      EXPECT_EQ(line.error().kind, ErrorKind::kIo) << line.error().message;
      break;
    }
    run.lines.push_back(*line);
    if (on_line) on_line(run.lines.back(), *child);
  }
  auto status = child->wait(milliseconds(10000));
  EXPECT_TRUE(status) << "linespec did not exit";
  if (status) {
    EXPECT_EQ(status->kind, harness::ExitStatus::Kind::kExited) << status->to_string();
    run.exit_code = status->code;
  }
  run.error = child->captured_stderr();
  return run;
}

// Exactly one line on stderr, starting with the program name.
inline void expect_one_line_error(const CliRun& run, const std::string& naming) {
  EXPECT_EQ(run.error.rfind("linespec: ", 0), 0u) << run.error;
  ASSERT_FALSE(run.error.empty());
  EXPECT_EQ(run.error.find('\n'), run.error.size() - 1) << run.error;
  EXPECT_NE(run.error.find(naming), std::string::npos) << run.error;
}

// The reference server on a free loopback port, stopped when the test ends.
inline harness::SpawnedServer start_server(const std::string& profile, std::vector<std::string> flags = {}) {
  std::vector<std::string> argv = {kServer, "--listen", "tcp:127.0.0.1:0", "--profile", profile};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto server = harness::spawn_server(harness::Command::program(argv));
  if (!server) throw std::runtime_error(server.error().message);
  return std::move(*server);
}

}  // namespace linespec::tools::testing
