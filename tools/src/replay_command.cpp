// `linespec replay TARGET PATH... [--profile P] [--timeout MS] [--transcript]`:
// replays scripts, raw inputs from a fuzz corpus, or folders of them against a target,
// and reports one line per input the way `linespec run` reports cases.
#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "commands.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/harness/replay.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "script_report.hpp"

namespace linespec::tools {
namespace {

struct ReplayArguments {
  std::string target;
  std::vector<std::string> paths;
  std::string profile = "seed";
  int timeout_ms = 2000;
  bool transcripts = false;
};

constexpr const char* kReplayFooter = R"(TARGET is tcp:HOST:PORT, tcp://HOST:PORT (IPv6 as tcp:[::1]:PORT), unix:PATH,
or exec:CMD (CMD runs with /bin/sh -c once per connection, inetd style).

PATH is a script file (it starts with "# linespec script", see harness/SCRIPTS.md),
any other file (raw bytes, e.g. from a fuzz corpus: sent as one chunk on one
connection, then half-closed, and judged by the model of --profile), or a folder
of such files (not recursive; names starting with '.' skipped). A script names
its own profile; --profile applies to raw inputs. A script's target line is
informational: the TARGET argument decides where it runs.

Exit status:
  0  every input passed
  1  an input failed
  2  bad usage: unknown flag, malformed target, unknown profile, a missing
     path, an empty folder or a malformed script
  3  the target could not be reached)";

int replay(const ReplayArguments& args) {
  auto target = harness::parse_target(args.target);
  if (!target) return report_error(target.error());
  auto raw_profile = load_profile(args.profile);
  if (!raw_profile) return report_error(raw_profile.error());
  // Every input is loaded before anything runs, so that a bad one is a usage error.
  std::vector<harness::ReplayInput> inputs;
  for (const auto& path : args.paths) {
    auto loaded = harness::load_replay_inputs(path, *raw_profile);
    if (!loaded) return report_error(loaded.error());
    for (auto& input : *loaded) inputs.push_back(std::move(input));
  }
  harness::SessionOptions options;
  options.inactivity_timeout = std::chrono::milliseconds(args.timeout_ms);

  fmt::print("linespec {}: replaying {} {} against {}\n", LINESPEC_VERSION, inputs.size(),
             inputs.size() == 1 ? "input" : "inputs", target->to_string());
  conformance::RunSummary summary;
  for (const auto& input : inputs) {
    auto result = harness::run_script(input.script, *target, options);
    if (!result) return report_error(Error{result.error().kind, input.source + ": " + result.error().message});
    const std::string what =
        input.raw ? input.source + "  (raw bytes, profile " + input.script.profile.name + ")" : input.source;
    if (result->passed()) {
      ++summary.passed;
      fmt::print("{} {}\n", conformance::verdict_mark(conformance::Verdict::kPass), what);
      continue;
    }
    ++summary.failed;
    fmt::print("{} {}\n", conformance::verdict_mark(conformance::Verdict::kFail), what);
    if (auto message = unreachable_message(*result)) {
      std::fflush(stdout);
      return report_error(Error{ErrorKind::kUnreachable, *message});
    }
    print_failures(*result, args.transcripts);
  }
  fmt::print("{}\n", conformance::summary_line(summary));
  return summary.failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReplayArguments>();
  CLI::App* replay_app = app.add_subcommand("replay", "Replay scripts or fuzz inputs against a server");
  replay_app->set_version_flag("--version", std::string(version_text()));
  replay_app->add_option("target", args->target, "The server to replay against")->required();
  replay_app->add_option("paths", args->paths, "Script files, raw input files or folders of them")->required();
  replay_app->add_option("--profile", args->profile, "Profile of raw inputs: built-in name or profile file")
      ->capture_default_str();
  replay_app->add_option("--timeout", args->timeout_ms, "Inactivity timeout per connection, in milliseconds")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  replay_app->add_flag("--transcript", args->transcripts, "Print the transcript of each failing connection");
  replay_app->footer(kReplayFooter);
  replay_app->callback([args, &exit_code] { exit_code = replay(*args); });
}

}  // namespace linespec::tools
