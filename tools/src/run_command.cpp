// `linespec run [TARGET] [--profile P] [--timeout MS] [--case ID]...`: runs the
// conformance suite against a target, or against the bundled reference server.
#include <fmt/core.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bundled_server.hpp"
#include "cli_error.hpp"
#include "commands.hpp"
#include "linespec/conformance/case.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/conformance/runner.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec::tools {
namespace {

struct RunArguments {
  std::string target;
  std::string profile = "seed";
  int timeout_ms = static_cast<int>(conformance::kDefaultTimeout.count());
  std::vector<std::string> cases;
};

constexpr const char* kRunFooter = R"(TARGET is tcp:HOST:PORT, tcp://HOST:PORT (IPv6 as tcp:[::1]:PORT), unix:PATH,
or exec:CMD (CMD runs with /bin/sh -c once per connection and talks over its
stdin/stdout, inetd style). Without TARGET, the bundled linespec-server is
started on a free loopback port with the same --profile, and stopped after.

Exit status:
  0  every MUST case passed (WARN and N/A do not count)
  1  a case failed
  2  bad usage or configuration: unknown flag, malformed target, unknown
     profile, unknown case
  3  the target could not be reached or started)";

int run(const RunArguments& args) {
  auto profile = load_profile(args.profile);
  if (!profile) return report_error(profile.error());
  static const conformance::Registry registry = conformance::core_registry();
  auto cases = registry.select(args.cases);
  if (!cases) return report_error(cases.error());

  conformance::SuiteConfig config;
  config.profile = *profile;
  config.profile_source = args.profile;
  config.timeout = std::chrono::milliseconds(args.timeout_ms);
  std::optional<harness::SpawnedServer> server;
  if (args.target.empty()) {
    auto started = start_bundled_server(args.profile);
    if (!started) return report_error(started.error());
    server.emplace(std::move(*started));
    config.target = harness::Target::from_address(server->address());
  } else {
    auto target = harness::parse_target(args.target);
    if (!target) return report_error(target.error());
    config.target = *target;
    config.target_text = args.target;
  }

  conformance::ConsoleReporter reporter(std::cout);
  auto summary = conformance::run_suite(*cases, config, conformance::RunOptions{}, reporter);
  std::cout.flush();
  if (server) {
    harness::ExitStatus status = server->process().stop();
    // A bundled server that crashes is worth knowing about, whatever the verdicts.
    if (!status.success()) fmt::print(stderr, "linespec: note: the bundled server ended with {}\n", status.to_string());
  }
  if (!summary) return report_error(summary.error());
  return summary->ok() ? kExitOk : kExitFailure;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArguments>();
  CLI::App* run_app = app.add_subcommand("run", "Run the conformance suite against a server");
  run_app->set_version_flag("--version", std::string(version_text()));
  run_app->add_option("target", args->target, "The server to check (default: the bundled reference server)");
  run_app->add_option("--profile", args->profile, "Built-in profile (seed, lf, echo, stream) or profile file")
      ->capture_default_str();
  run_app->add_option("--timeout", args->timeout_ms, "Inactivity timeout per session, in milliseconds")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  run_app->add_option("--case", args->cases, "Run only this case id or section (repeatable)")
      ->expected(1)
      ->take_all();
  run_app->footer(kRunFooter);
  run_app->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace linespec::tools
