// `linespec probe TARGET [--timeout MS] [--quiet MS]`: infers the target's profile
// from a few short sessions and prints it as a profile file, with how sure it is
// of each knob as `# confidence:` comments. Feed it back with `run --profile FILE`.
#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <string>

#include "cli_error.hpp"
#include "commands.hpp"
#include "linespec/conformance/probe.hpp"
#include "linespec/harness/target.hpp"

namespace linespec::tools {
namespace {

struct ProbeArguments {
  std::string target;
  int timeout_ms = 1000;
  int quiet_ms = 300;
};

constexpr const char* kProbeFooter = R"(Each knob gets a confidence: high (bytes that arrived and the server's close
show it), medium (concluded from silence: nothing arrived within --quiet MS),
or low (a guess). Echo servers send back the same bytes whatever their
framing, so some of their knobs can only be told by timing.

Exit status:
  0  the profile was printed
  1  the server refused a lone client
  2  bad usage: unknown flag, malformed target
  3  the target could not be reached or started)";

int probe(const ProbeArguments& args) {
  auto target = harness::parse_target(args.target);
  if (!target) return report_error(target.error());
  conformance::ProbeOptions options;
  options.timeout = std::chrono::milliseconds(args.timeout_ms);
  options.quiet = std::chrono::milliseconds(args.quiet_ms);
  auto report = conformance::probe_target(*target, options);
  if (!report) return report_error(report.error());
  fmt::print("{}", conformance::to_profile_text(*report));
  return kExitOk;
}

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ProbeArguments>();
  CLI::App* probe_app = app.add_subcommand("probe", "Infer a server's profile and print it as a profile file");
  probe_app->set_version_flag("--version", std::string(version_text()));
  probe_app->add_option("target", args->target, "The server to probe (tcp:, unix: or exec:)")->required();
  probe_app->add_option("--timeout", args->timeout_ms, "Inactivity timeout per session, in milliseconds")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  probe_app->add_option("--quiet", args->quiet_ms, "Silence that counts as \"nothing more comes\", in milliseconds")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  probe_app->footer(kProbeFooter);
  probe_app->callback([args, &exit_code] { exit_code = probe(*args); });
}

}  // namespace linespec::tools
