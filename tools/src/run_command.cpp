// `linespec run [TARGET] [--profile P] [--case ID]... [--jobs N] [--junit FILE]
// [--json FILE] [--expect FILE] [--strict] [--dry-run] [--timeout MS]`: runs the
// conformance suite against a target, or against the bundled reference server.
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bundled_server.hpp"
#include "cli_error.hpp"
#include "commands.hpp"
#include "html_report.hpp"
#include "interrupt.hpp"
#include "json_reporter.hpp"
#include "linespec/conformance/case.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/conformance/expected_failures.hpp"
#include "linespec/conformance/junit_reporter.hpp"
#include "linespec/conformance/probe.hpp"
#include "linespec/conformance/runner.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "report_fanout.hpp"
#include "report_file.hpp"
#include "script_document.hpp"
#include "terminal_options.hpp"

namespace linespec::tools {
namespace {

struct RunArguments {
  std::string target;
  std::string spawn;  // --spawn 'CMD {port}' or 'CMD {path}'
  std::string profile = "seed";
  int timeout_ms = static_cast<int>(conformance::kDefaultTimeout.count());
  std::vector<std::string> cases;
  std::size_t jobs = conformance::kDefaultJobs;
  bool strict = false;
  bool dry_run = false;
  std::string junit;
  std::string json;
  std::string html;
  std::string expect;
  TerminalOptions terminal;  // -q, -v, --color
};

constexpr std::string_view kAuto = "auto";

constexpr const char* kRunFooter = R"(TARGET is tcp:HOST:PORT, tcp://HOST:PORT (IPv6 as tcp:[::1]:PORT), unix:PATH,
or exec:CMD (CMD runs with /bin/sh -c once per connection and talks over its
stdin/stdout, inetd style). Without TARGET, the bundled linespec-server is
started on a free loopback port with the same --profile (seed for auto), and
stopped after.

--profile auto probes the target first (see `linespec probe`), prints the
inferred profile as a profile file, and runs with it.

Verdicts: PASS; FAIL (a MUST requirement broken); WARN (a SHOULD requirement
broken: a failure only with --strict); INFO; N/A (the requirement does not apply
to the profile or server); XFAIL and XPASS for cases listed in --expect FILE
(one case id per line, '#' comments): a listed case that fails is XFAIL and does
not fail the run; a listed case that passes is XPASS and fails it, so that the
list gets pruned.

Exit status:
  0  every MUST case passed (WARN, INFO, N/A and XFAIL do not count)
  1  a case failed, or a listed known failure passed (XPASS), or with
     --strict a SHOULD case warned
  2  bad usage or configuration: unknown flag, malformed target, unknown
     profile, unknown case, unreadable --expect file, unwritable report file
  3  the target could not be reached or started
  130  interrupted (Ctrl-C or SIGTERM): no new case started, the reports hold
     the cases that ran; a second Ctrl-C exits at once

Output: on a terminal a progress line (cases done/total, failures, elapsed) is
redrawn under the results and the verdicts are coloured, unless NO_COLOR is set
or --color never; otherwise the output is plain text, one line per case.)";

// A report file, opened before anything runs so that a bad path is a usage error.
int dry_run(const RunArguments& args, const std::vector<const conformance::Case*>& cases, const Profile* profile) {
  std::string target = args.target.empty() ? "the bundled linespec-server" : args.target;
  std::string profile_name = profile != nullptr ? profile->name : std::string(kAuto) + " (probed when run)";
  fmt::print("linespec {}, spec {}: {} cases against {}, profile {} (dry run: nothing is sent)\n",
             conformance::linespec_version(), conformance::kSpecVersion, cases.size(), target, profile_name);
  for (const conformance::Case* c : cases) {
    fmt::print("{:<16} {:<9} {:<6} {}\n", c->id, c->requirement, conformance::to_string(c->level), c->description);
  }
  return kExitOk;
}

int run(const RunArguments& args) {
  static const conformance::Registry registry = conformance::core_registry();
  auto cases = registry.select(args.cases);
  if (!cases) return report_error(cases.error());
  conformance::RunOptions options;
  options.jobs = args.jobs;
  options.strict = args.strict;
  if (!args.expect.empty()) {
    auto listed = conformance::load_expected_failures(args.expect, registry);
    if (!listed) return report_error(listed.error());
    options.expected_failures = std::move(*listed);
  }
  bool probe_first = args.profile == kAuto;
  std::optional<Profile> profile;
  if (!probe_first) {
    auto loaded = load_profile(args.profile);
    if (!loaded) return report_error(loaded.error());
    profile = std::move(*loaded);
  }
  conformance::SuiteConfig config;
  if (!args.target.empty() && !args.spawn.empty()) {
    return report_error(usage_error("give a TARGET or --spawn, not both"));
  }
  if (!args.spawn.empty() && args.spawn.find("{port}") == std::string::npos &&
      args.spawn.find("{path}") == std::string::npos) {
    return report_error(usage_error("--spawn '" + args.spawn + "' has neither {port} nor {path} to fill in"));
  }
  if (!args.target.empty()) {
    auto target = harness::parse_target(args.target);
    if (!target) return report_error(target.error());
    config.target = *target;
    config.target_text = args.target;
  }
  if (args.dry_run) return dry_run(args, *cases, profile ? &*profile : nullptr);
  // From here on Ctrl-C stops the run and still writes the reports.
  InterruptScope interrupt;
  options.stop = interrupt.flag();

  auto junit_opened = open_report_file(args.junit, "--junit");
  if (!junit_opened) return report_error(junit_opened.error());
  auto json_opened = open_report_file(args.json, "--json");
  if (!json_opened) return report_error(json_opened.error());
  std::unique_ptr<std::ofstream> junit_file = std::move(*junit_opened);  // null without --junit
  std::unique_ptr<std::ofstream> json_file = std::move(*json_opened);
  // The --html page is written whatever happens from here on but bad usage.
  HtmlRunInfo html_run{"run"};
  auto html_opened = HtmlReportFile::open_if_named(args.html);
  if (!html_opened) return report_error(html_opened.error());
  std::optional<HtmlReportFile>& html_file = *html_opened;
  JsonReporter html_document;
  auto finish = [&](int exit_code, const Error* error = nullptr) {
    if (error != nullptr) html_run.error = error->message;
    const bool started = html_document.document().contains("summary");
    return finish_html_report(html_file, exit_code,
                              started ? html_document.document()
                                      : unstarted_document(config.target.to_string(),
                                                           profile ? profile->name : args.profile, args.profile),
                              html_run);
  };
  auto fail = [&](const Error& error) { return finish(report_error(error), &error); };

  std::optional<harness::SpawnedServer> server;
  if (!args.spawn.empty()) {
    // The user's command, as typed, on a free port or a fresh socket path; stopped after.
    auto started = harness::spawn_server_with_placeholder(args.spawn);
    if (!started) return fail(started.error());
    server.emplace(std::move(*started));
    config.target = harness::Target::from_address(server->address());
    config.spawn_command = args.spawn;
  } else if (args.target.empty()) {
    auto started = start_bundled_server(probe_first ? "seed" : args.profile);
    if (!started) return fail(started.error());
    server.emplace(std::move(*started));
    config.target = harness::Target::from_address(server->address());
  }
  config.timeout = std::chrono::milliseconds(args.timeout_ms);
  config.profile_source = args.profile;
  if (probe_first) {
    conformance::ProbeOptions probe_options;
    probe_options.timeout = config.timeout;
    auto report = conformance::probe_target(config.target, probe_options);
    if (!report) return fail(report.error());
    fmt::print("{}\n", conformance::to_profile_text(*report));
    profile = report->profile;
  }
  config.profile = *profile;

  conformance::ConsoleReporter console(std::cout, args.terminal.style());
  ReportFanout reports;
  reports.add(console);
  std::optional<conformance::JUnitReporter> junit;
  std::optional<JsonReporter> json;
  if (junit_file) reports.add(junit.emplace(*junit_file));
  if (json_file) reports.add(json.emplace(*json_file));
  if (html_file) reports.add(html_document);
  std::cout.flush();
  auto summary = conformance::run_suite(*cases, config, options, reports);
  std::cout.flush();
  if (server) {
    harness::ExitStatus status = server->process().stop();
    // A server of ours that crashes is worth knowing about, whatever the verdicts.
    if (!status.success() && args.spawn.empty()) {
      fmt::print(stderr, "linespec: note: the bundled server ended with {}\n", status.to_string());
    }
  }
  if (!summary) return fail(summary.error());
  if (summary->interrupted) return finish(kExitInterrupted);
  return finish(summary->ok() ? kExitOk : kExitFailure);
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArguments>();
  CLI::App* run_app = app.add_subcommand("run", "Run the conformance suite against a server");
  run_app->set_version_flag("--version", std::string(version_text()));
  run_app->add_option("target", args->target, "The server to check (default: the bundled reference server)");
  run_app->add_option("--spawn", args->spawn,
                      "Start this server for the run: CMD with {port} (a free loopback port) or {path} "
                      "(a fresh unix socket), run with /bin/sh -c; stopped after");
  run_app->add_option("--profile", args->profile, "Built-in profile (seed, lf, echo, stream), auto, or a profile file")
      ->capture_default_str();
  // One id per --case, so that `--case framing/1 tcp:HOST:PORT` leaves the target alone.
  run_app->add_option("--case", args->cases, "Run only this case id, or the sections it is a prefix of (repeatable)")
      ->allow_extra_args(false);
  run_app->add_option("--jobs,-j", args->jobs, "Cases run at once, each on its own connections")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  run_app->add_option("--timeout", args->timeout_ms, "Inactivity timeout per session, in milliseconds")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  run_app->add_option("--junit", args->junit, "Also write a JUnit XML report to FILE");
  run_app->add_option("--json", args->json, "Also write a JSON report (transcripts, replay scripts) to FILE");
  run_app->add_option("--html", args->html,
                      "Also write an HTML report to FILE: one self-contained page (summary, filters, each "
                      "case's transcript as a timeline, replay commands); written unless the usage is bad");
  run_app->add_option("--expect", args->expect, "Known failures: a file of case ids (XFAIL, XPASS)");
  run_app->add_flag("--strict", args->strict, "A SHOULD case that warns fails the run");
  run_app->add_flag("--dry-run", args->dry_run, "List the selected cases with their requirements; send nothing");
  args->terminal.add_to(*run_app);
  run_app->footer(kRunFooter);
  run_app->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace linespec::tools
