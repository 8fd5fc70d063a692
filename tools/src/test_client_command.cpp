// `linespec test-client 'CMD' [--stdio] [--profile P] [--timeout MS] [--case ID]...
// [--jobs N] [--strict] [--expect FILE] [--junit FILE] [--dry-run]`: checks a CLIENT
// of the line protocol by playing an adversarial server against a fresh run of CMD
// per case (conformance/CLIENT-SPEC.md). Reports as `linespec run` does.
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "commands.hpp"
#include "html_report.hpp"
#include "interrupt.hpp"
#include "json_reporter.hpp"
#include "linespec/conformance/client/command.hpp"
#include "linespec/conformance/client/runner.hpp"
#include "linespec/conformance/expected_failures.hpp"
#include "linespec/conformance/junit_reporter.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "report_fanout.hpp"
#include "report_file.hpp"
#include "script_document.hpp"
#include "terminal_options.hpp"

namespace linespec::tools {
namespace {

struct TestClientArguments {
  std::string command;
  bool stdio = false;
  std::string profile = "seed";
  int timeout_ms = static_cast<int>(conformance::kDefaultClientTimeout.count());
  std::vector<std::string> cases;
  std::size_t jobs = 4;
  bool strict = false;
  std::string expect;
  std::string junit;
  std::string json;
  std::string html;
  bool dry_run = false;
  TerminalOptions terminal;  // -q, -v, --color
};

constexpr const char* kTestClientFooter = R"(CMD is a shell command line, run with /bin/sh -c once per case, exactly
as typed after its placeholders are replaced: {host} and {port} (the kit
listens on 127.0.0.1, a free port per case), or {path} (a fresh unix
socket). With --stdio CMD uses no placeholder: its stdin and stdout are the
connection (one simple command runs as `exec CMD`, so that its close of
stdout reaches the kit). Example:
  linespec test-client 'python3 client.py {host} {port}'

T is --timeout: a client must give up on a silent server within T, must
tolerate pauses of T/10, and is killed (the case fails) 1.5 T after it started.
Give the client several records to send so that every case applies.

Exit status:
  0  every MUST case passed (WARN, N/A and XFAIL do not count; WARN does
     with --strict)
  1  a case failed, or a case listed in --expect passed (XPASS)
  2  bad usage: unknown flag, no placeholder, unknown profile or case,
     unreadable --expect file, unwritable --junit file
  3  the client command could not be run at all
  130  interrupted (Ctrl-C or SIGTERM): no new case started, the reports hold
     the cases that ran; a second Ctrl-C exits at once)";

// The client cases as a plain Registry, for the --expect parser that checks ids.
conformance::Registry case_list(const conformance::ClientRegistry& registry) {
  conformance::Registry list;
  for (const conformance::ClientCase& c : registry.cases()) list.add(c.info);
  return list;
}

int list_cases(const std::vector<const conformance::ClientCase*>& cases) {
  fmt::print("linespec {}, client spec {}: {} cases (dry run: no client is run)\n", conformance::linespec_version(),
             conformance::kClientSpecVersion, cases.size());
  for (const conformance::ClientCase* c : cases) {
    fmt::print("{:<13} {:<10} {:<6} {}\n", c->info.id, c->info.requirement, conformance::to_string(c->info.level),
               c->info.description);
  }
  return kExitOk;
}

int test_client(const TestClientArguments& args) {
  static const conformance::ClientRegistry registry = conformance::client_registry();
  auto cases = registry.select(args.cases);
  if (!cases) return report_error(cases.error());
  if (args.dry_run) return list_cases(*cases);
  if (args.command.empty()) return report_error(usage_error("test-client needs the client command CMD (see --help)"));
  auto command = conformance::parse_client_command(args.command, args.stdio);
  if (!command) return report_error(command.error());
  auto profile = load_profile(args.profile);
  if (!profile) return report_error(profile.error());

  conformance::ClientSuiteConfig config;
  config.command = *command;
  config.profile = *profile;
  config.profile_source = args.profile;
  config.timeout = std::chrono::milliseconds(args.timeout_ms);
  conformance::RunOptions options;
  options.jobs = args.jobs;
  options.strict = args.strict;
  if (!args.expect.empty()) {
    auto listed = conformance::load_expected_failures(args.expect, case_list(registry));
    if (!listed) return report_error(listed.error());
    options.expected_failures = std::move(*listed);
  }
  auto junit_opened = open_report_file(args.junit, "--junit");
  if (!junit_opened) return report_error(junit_opened.error());
  auto json_opened = open_report_file(args.json, "--json");
  if (!json_opened) return report_error(json_opened.error());
  std::unique_ptr<std::ofstream> junit_file = std::move(*junit_opened);  // null without --junit
  std::unique_ptr<std::ofstream> json_file = std::move(*json_opened);
  // The --html page is written whatever happens from here on.
  HtmlRunInfo html_run{"test-client"};
  auto html_opened = HtmlReportFile::open_if_named(args.html);
  if (!html_opened) return report_error(html_opened.error());
  std::optional<HtmlReportFile>& html_file = *html_opened;
  JsonReporter html_document;
  auto finish = [&](int exit_code) {
    const bool started = html_document.document().contains("summary");
    return finish_html_report(html_file, exit_code,
                              started ? html_document.document()
                                      : unstarted_document("exec:" + args.command, profile->name, args.profile),
                              html_run);
  };
  // From here on Ctrl-C stops the run and still writes the reports.
  InterruptScope interrupt;
  options.stop = interrupt.flag();

  conformance::ClientConsoleReporter console(std::cout, config, args.terminal.style());
  ReportFanout reports;
  reports.add(console);
  std::optional<conformance::JUnitReporter> junit;
  if (junit_file) reports.add(junit.emplace(*junit_file));
  std::optional<JsonReporter> json;
  if (json_file) reports.add(json.emplace(*json_file));
  if (html_file) reports.add(html_document);
  auto summary = conformance::run_client_suite(*cases, config, options, reports);
  std::cout.flush();
  if (!summary) {
    html_run.error = summary.error().message;
    return finish(report_error(summary.error()));
  }
  if (summary->interrupted) return finish(kExitInterrupted);
  return finish(summary->ok() ? kExitOk : kExitFailure);
}

}  // namespace

void add_test_client_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TestClientArguments>();
  CLI::App* sub = app.add_subcommand("test-client", "Check a client of the protocol by playing an adversarial server");
  sub->set_version_flag("--version", std::string(version_text()));
  sub->add_option("CMD", args->command, "The client command line, with {host} {port} or {path}");
  sub->add_flag("--stdio", args->stdio, "The client talks over its stdin and stdout instead of a socket");
  sub->add_option("--profile", args->profile, "Built-in profile (seed, lf, echo, stream) or profile file")
      ->capture_default_str();
  sub->add_option("--timeout", args->timeout_ms, "T in milliseconds: how long a client may wait for a silent server")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  sub->add_option("--case", args->cases, "Run only this case id or section (repeatable)")->expected(1)->take_all();
  sub->add_option("--jobs", args->jobs, "Cases run at once, each with its own client process")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_flag("--strict", args->strict, "A violated SHOULD (WARN) fails the run too");
  sub->add_option("--expect", args->expect, "Known failures: a file of case ids (XFAIL, XPASS)");
  sub->add_option("--junit", args->junit, "Also write a JUnit XML report to FILE");
  sub->add_option("--json", args->json, "Also write a JSON report (docs/report-schema.json) to FILE");
  sub->add_option("--html", args->html,
                  "Also write an HTML report to FILE: one self-contained page (summary, filters, each case's "
                  "transcript as a timeline, replay commands); written unless the usage is bad");
  args->terminal.add_to(*sub);
  sub->add_flag("--dry-run", args->dry_run, "List the selected cases with their requirement ids; run nothing");
  sub->footer(kTestClientFooter);
  sub->callback([args, &exit_code] { exit_code = test_client(*args); });
}

}  // namespace linespec::tools
