// Runs a linespec program to completion for a test: argv in, exit status, stdout
// and stderr out, bounded in time. Built on the harness's ChildProcess.
#pragma once

#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/harness/process.hpp"

namespace linespec::reference::testing {

inline const std::string kServerProgram = LINESPEC_BIN_DIR "/linespec-server";
inline const std::string kClientProgram = LINESPEC_BIN_DIR "/linespec-client";

struct ProgramRun {
  harness::ExitStatus status;
  std::string out;
  std::string err;
  bool finished = false;  // false: killed after the time bound
};

// Starts argv, writes `input` to its stdin (then closes it), and waits for it.
// Output must fit in a pipe buffer (the child is only read after it exits).
inline ProgramRun run_program(std::vector<std::string> argv, std::string_view input = {},
                              std::chrono::milliseconds bound = std::chrono::milliseconds(10000)) {
  harness::ProcessOptions options;
  options.stdin_mode = harness::StreamMode::kPipe;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  ProgramRun run;
  auto child = harness::ChildProcess::start(harness::Command::program(std::move(argv)), options);
  if (!child) {
    run.err = child.error().message;
    return run;
  }
  if (!input.empty()) {
    [[maybe_unused]] ssize_t n = ::write(child->stdin_fd(), input.data(), input.size());
  }
  child->close_stdin();
  auto status = child->wait(bound);
  run.finished = status.ok();
  run.status = status ? *status : child->stop();
  run.out = child->drain_stdout();
  run.err = child->captured_stderr();
  return run;
}

inline std::size_t line_count(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

}  // namespace linespec::reference::testing
