// Runs a program to its end for the bench tests: exit status, stdout, and stderr. The child is
// reaped (or killed) before the call returns. One thread at a time.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"

namespace linespec::bench {

inline const std::string kBinDir = LINESPEC_BIN_DIR;
inline const std::string kFixtureDir = LINESPEC_FIXTURE_DIR;

struct Finished {
  harness::ExitStatus status{harness::ExitStatus::Kind::kSignaled, 0};
  std::string out;
  std::string err;
};

inline Finished run_program(std::vector<std::string> argv) {
  using namespace std::chrono_literals;
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto child = harness::ChildProcess::start(harness::Command::program(std::move(argv)), options);
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return {};
  }
  // Reads stdout until it ends, so a long report can never fill the pipe and stall the child.
  Finished done;
  for (auto line = child->read_line(30s); line; line = child->read_line(30s)) done.out += *line + "\n";
  auto status = child->wait(30s);
  if (!status) {
    ADD_FAILURE() << "the program did not end within 30 s";
    return done;
  }
  done.status = *status;
  done.out += child->drain_stdout();
  done.err = child->captured_stderr();
  return done;
}

}  // namespace linespec::bench
