// `linespec replay TARGET PATH... [--profile P] [--timeout MS] [--transcript]`:
// replays scripts, raw inputs from a fuzz corpus, or folders of them against a target,
// and reports one line per input the way `linespec run` reports cases.
#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "commands.hpp"
#include "html_report.hpp"
#include "interrupt.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/harness/replay.hpp"
#include "linespec/protocol/escape.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "script_document.hpp"
#include "script_report.hpp"

namespace linespec::tools {
namespace {

struct ReplayArguments {
  std::string target;
  std::vector<std::string> paths;
  std::string profile = "seed";
  int timeout_ms = 2000;
  bool transcripts = false;
  std::string html;
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
  3  the target could not be reached
  130  interrupted (Ctrl-C or SIGTERM) between inputs; a second Ctrl-C exits
     at once)";

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
  // The --html page: every input a case, written whatever happens from here on but bad usage.
  HtmlRunInfo html_run{"replay"};
  auto html_opened = HtmlReportFile::open_if_named(args.html);
  if (!html_opened) return report_error(html_opened.error());
  std::optional<HtmlReportFile>& html_file = *html_opened;
  ScriptDocument html_document(target->to_string(), *raw_profile, args.profile);
  auto finish = [&](int exit_code) {
    auto elapsed = std::chrono::steady_clock::now() - html_run.started_steady;
    return finish_html_report(html_file, exit_code,
                              html_document.finish(std::chrono::duration_cast<std::chrono::microseconds>(elapsed)),
                              html_run);
  };
  auto fail = [&](const Error& error) {
    html_run.error = error.message;
    return finish(report_error(error));
  };

  fmt::print("linespec {}: replaying {} {} against {}\n", LINESPEC_VERSION, inputs.size(),
             inputs.size() == 1 ? "input" : "inputs", target->to_string());
  conformance::RunSummary summary;
  summary.total = inputs.size();
  InterruptScope interrupt;
  for (const auto& input : inputs) {
    if (interrupt.requested()) break;
    ++summary.ran;
    auto script_start = std::chrono::steady_clock::now();
    auto result = harness::run_script(input.script, *target, options);
    if (!result) return fail(Error{result.error().kind, input.source + ": " + result.error().message});
    const std::string what =
        input.raw ? input.source + "  (raw bytes, profile " + input.script.profile.name + ")" : input.source;
    if (html_file) {
      ScriptCase entry{input.source, "replay", input.raw ? what : "script " + input.source,
                       "linespec replay " + shell_word(target->to_string()) + " " + shell_word(input.source) +
                           (input.raw ? " --profile " + shell_word(args.profile) : ""),
                       std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                             script_start)};
      html_document.add(entry, input.script, *result);
    }
    if (result->passed()) {
      ++summary.passed;
      fmt::print("{} {}\n", conformance::verdict_mark(conformance::Verdict::kPass), what);
      continue;
    }
    ++summary.failed;
    fmt::print("{} {}\n", conformance::verdict_mark(conformance::Verdict::kFail), what);
    if (auto message = unreachable_message(*result)) {
      std::fflush(stdout);
      return fail(Error{ErrorKind::kUnreachable, *message});
    }
    print_failures(*result, args.transcripts);
  }
  summary.interrupted = summary.ran < summary.total;
  if (summary.interrupted) fmt::print("{}\n", conformance::interrupted_line(summary));
  fmt::print("{}\n", conformance::summary_line(summary));
  if (summary.interrupted) return finish(kExitInterrupted);
  return finish(summary.failed == 0 ? kExitOk : kExitFailure);
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
  replay_app->add_option("--html", args->html,
                         "Also write an HTML report to FILE: one self-contained page, each input a case with its "
                         "verdict, failures, transcripts as a timeline and replay command");
  replay_app->footer(kReplayFooter);
  replay_app->callback([args, &exit_code] { exit_code = replay(*args); });
}

}  // namespace linespec::tools
