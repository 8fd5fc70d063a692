// linespec-client: the reference client of the line protocol. Sends records, prints
// the replies, and maps the outcome to an exit code.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "linespec/reference/client.hpp"
#include "program.hpp"

namespace {

using linespec::reference::program::kExitFailure;
using linespec::reference::program::kExitOk;
using linespec::reference::program::kExitUsage;
constexpr int kExitUnreachable = 3;

int fail(int code, const std::string& message) {
  return linespec::reference::program::fail("linespec-client", code, message);
}

int exit_code(linespec::ErrorKind kind) {
  switch (kind) {
    case linespec::ErrorKind::kUsage: return kExitUsage;
    case linespec::ErrorKind::kUnreachable: return kExitUnreachable;
    case linespec::ErrorKind::kIo:
    case linespec::ErrorKind::kProtocol:
    case linespec::ErrorKind::kTimeout: return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The reference client of the linespec line protocol: sends each RECORD followed by a newline, "
               "waits for one reply per record, half-closes, waits for the server to close and prints the "
               "replies.",
               "linespec-client"};
  app.set_version_flag("--version", std::string("linespec-client ") + LINESPEC_VERSION);
  std::string connect = "tcp:127.0.0.1:10008";
  std::string profile_name = "seed";
  long long timeout_ms = 5000;
  bool from_stdin = false;
  std::vector<std::string> records;
  app.add_option("--connect", connect, "tcp:HOST:PORT, tcp://HOST:PORT, tcp:[IPV6]:PORT or unix:PATH")
      ->capture_default_str();
  app.add_option("--profile", profile_name, "built-in profile (seed, lf, echo, stream) or profile file")
      ->capture_default_str();
  app.add_option("--timeout", timeout_ms, "give up after MS milliseconds without a byte sent or received")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  auto* stdin_flag = app.add_flag("--stdin", from_stdin, "read the records from stdin, one per line");
  app.add_option("records", records, "records to send (default: SOME DATA)")->excludes(stdin_flag);
  app.footer(
      "Exit codes: 0 every record answered, 1 protocol error or timeout, 2 bad usage, 3 unreachable or "
      "refused (the first line holds the refusal marker).");
  if (auto status = linespec::reference::program::parse(app, argc, argv)) return *status;

  linespec::reference::ClientConfig config;
  auto address = linespec::parse_address(connect);
  if (!address) return fail(kExitUsage, address.error().message);
  config.connect = *address;
  auto profile = linespec::load_profile(profile_name);
  if (!profile) return fail(kExitUsage, profile.error().message);
  config.profile = *profile;
  config.timeout = std::chrono::milliseconds(timeout_ms);
  if (from_stdin) {
    config.records.clear();
    for (std::string line; std::getline(std::cin, line);) config.records.push_back(line);
  } else if (!records.empty()) {
    config.records = records;
  }

  std::signal(SIGPIPE, SIG_IGN);
  auto report = linespec::reference::run_client(config);
  if (!report) return fail(exit_code(report.error().kind), report.error().message);
  std::cout << report->replies << std::flush;
  return kExitOk;
}
