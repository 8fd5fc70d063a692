#include "live_programs.hpp"

#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace linespec::live_fuzz::testing {

using namespace std::chrono_literals;

ProgramRun run_linespec(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{std::string(LINESPEC_BIN_DIR) + "/linespec"};
  argv.insert(argv.end(), args.begin(), args.end());
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto child = harness::ChildProcess::start(harness::Command::program(argv), options);
  if (!child) throw std::runtime_error(child.error().message);
  ProgramRun run;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    auto line = child->read_line(left);
    if (!line) break;  // end of stdout (or out of time)
    run.out += *line + "\n";
  }
  run.out += child->drain_stdout();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  auto status = child->wait(std::max(left, 1ms));
  if (status && status->kind == harness::ExitStatus::Kind::kExited) run.exit_code = status->code;
  run.err = child->captured_stderr();
  return run;
}

LiveServer::LiveServer(harness::SpawnedServer server)
    : server_(std::move(server)), target_(harness::Target::from_address(server_.address())) {}

LiveServer LiveServer::reference(const std::string& profile) {
  auto server = harness::spawn_server(harness::Command::program(
      {std::string(LINESPEC_BIN_DIR) + "/linespec-server", "--listen", "tcp:127.0.0.1:0", "--profile", profile}));
  if (!server) throw std::runtime_error(server.error().message);
  return LiveServer(std::move(*server));
}

LiveServer LiveServer::fixture(const std::string& name) {
  auto server = harness::spawn_server(harness::Command::program(
      {std::string(LINESPEC_FIXTURE_DIR) + "/fixture-" + name, "--listen", "tcp:127.0.0.1:0"}));
  if (!server) throw std::runtime_error(server.error().message);
  return LiveServer(std::move(*server));
}


std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

std::string printed_script(const std::string& text) {
  auto begin = text.find("# linespec script");
  if (begin == std::string::npos) return {};
  auto end = text.find("\nwrote ", begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end + 1 - begin);
}

std::string written_path(const std::string& text) {
  auto lines = lines_starting_with(text, "wrote ");
  return lines.empty() ? std::string() : lines.front().substr(6);
}

}  // namespace linespec::live_fuzz::testing
