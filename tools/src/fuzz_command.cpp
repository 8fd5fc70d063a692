// `linespec fuzz TARGET [--profile P] [--seconds N] [--max-conversations N] [--seed S]
// [--connections K] [--out DIR] [--timeout MS]`: black-box fuzzing of a live server
// (fuzz/live). Shrinks the first mismatch, writes it as a script and prints the
// command that replays it.
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "cli_error.hpp"
#include "commands.hpp"
#include "html_report.hpp"
#include "interrupt.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/live_fuzz/fuzzer.hpp"
#include "linespec/protocol/escape.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "script_document.hpp"
#include "script_report.hpp"

namespace linespec::tools {
namespace {

struct FuzzArguments {
  std::string target;
  std::string profile = "seed";
  double seconds = 60;
  std::size_t max_conversations = 0;
  std::optional<std::uint64_t> seed;
  std::size_t connections = 2;
  std::string out = "linespec-fuzz-out";
  int timeout_ms = 1000;
  bool transcripts = false;
  bool quiet = false;  // no header, no progress line
  std::string html;
};

constexpr const char* kFuzzFooter = R"(TARGET is tcp:HOST:PORT, tcp://HOST:PORT (IPv6 as tcp:[::1]:PORT), unix:PATH,
or exec:CMD (CMD runs with /bin/sh -c once per connection, inetd style).

Each conversation opens up to --connections connections, sends records of every
kind (empty, CR/LF/CRLF mixes, at and over the record limit, NUL and high
bytes) in random chunks, ends each connection with a half-close, a close, a
reset or not at all, interleaves them, and checks every reply against the model
of --profile. The first mismatch is shrunk to a smallest conversation that still
fails, printed, written to DIR as a script, and the command replaying it is
printed. The same --seed gives the same conversations. A server that does not
serve a second client while the first is open (concurrency any) is fuzzed one
connection at a time.

--timeout bounds every wait for the server, and also how long a connection may
sit unread while the others take their steps: for a server that takes long to
answer, raise it above the time a whole conversation takes.

Exit status:
  0  no mismatch within the time and count given
  1  a mismatch was found (or the target stopped accepting connections)
  2  bad usage: unknown flag, malformed target, unknown profile
  3  the target could not be reached
  130  interrupted (Ctrl-C or SIGTERM): stops after the conversation running;
     a second Ctrl-C exits at once

On a terminal a progress line is redrawn on stderr, unless -q is given.)";

// Thrown from the progress callback once Ctrl-C was pressed: the fuzzer has no
// stop hook, and the callback runs between conversations.
struct FuzzInterrupted {
  std::size_t conversations = 0;
};

// Progress on a terminal only, at most a few times a second, on one line of stderr;
// with NO_COLOR set it is erased with blanks, without an escape sequence.
class ProgressLine {
 public:
  explicit ProgressLine(bool quiet)
      : enabled_(!quiet && isatty(STDERR_FILENO) == 1),
        plain_(std::getenv("NO_COLOR") != nullptr && std::getenv("NO_COLOR")[0] != '\0'),
        last_(std::chrono::steady_clock::now()) {}

  void update(const live_fuzz::FuzzProgress& progress) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(progress.elapsed).count();
    std::string line;
    if (progress.shrinking) {
      line = fmt::format("shrinking: {} smaller failing conversations, {} tried, {:.1f} s", progress.shrink_steps,
                         progress.shrink_runs, seconds);
    } else {
      line = fmt::format("{} conversations, {:.0f}/s", progress.conversations,
                         seconds > 0 ? static_cast<double>(progress.conversations) / seconds : 0.0);
    }
    clear();
    fmt::print(stderr, "{}", line);
    width_ = line.size();
    shown_ = true;
  }

  void clear() {
    if (!shown_) return;
    if (plain_) {
      fmt::print(stderr, "\r{}\r", std::string(width_, ' '));
    } else {
      fmt::print(stderr, "\r\033[K");
    }
    shown_ = false;
  }

 private:
  bool enabled_;
  bool plain_;  // NO_COLOR: no escape sequences
  bool shown_ = false;
  std::size_t width_ = 0;
  std::chrono::steady_clock::time_point last_;
};

std::string summary(const live_fuzz::FuzzReport& report) {
  std::string text = fmt::format("{} {} in {:.2f} s ({:.0f}/s), seed {}", report.conversations,
                                 report.conversations == 1 ? "conversation" : "conversations",
                                 std::chrono::duration<double>(report.elapsed).count(), report.rate(), report.seed);
  if (report.shrink_elapsed.count() > 0) {
    text += fmt::format(", shrinking {:.2f} s", std::chrono::duration<double>(report.shrink_elapsed).count());
  }
  return text;
}

// Writes the script; the path, or an empty string with a note on stderr.
std::string write_script(const std::string& dir, const std::string& name, const std::string& text) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (error || !(file << text) || !file.flush()) {
    fmt::print(stderr, "linespec: cannot write '{}'\n", path);
    return {};
  }
  return path;
}

int report_finding(const FuzzArguments& args, const harness::Target& target, const live_fuzz::FuzzReport& report) {
  const live_fuzz::Finding& finding = *report.finding;
  const std::string mark(conformance::verdict_mark(conformance::Verdict::kFail));
  if (finding.kind == live_fuzz::Finding::Kind::kTargetLost) {
    fmt::print("{} the target stopped accepting connections at conversation {}: {}\n", mark, finding.conversation,
               finding.message);
    if (finding.conversation > 1) fmt::print("  the conversation before it (it may have broken the server):\n");
  } else {
    fmt::print("{} mismatch in conversation {} ({}); shrunk in {} {} ({} runs{}) to {}\n", mark, finding.conversation,
               live_fuzz::measure(finding.original).to_string(), finding.shrink_steps,
               finding.shrink_steps == 1 ? "step" : "steps", finding.shrink_runs,
               finding.shrink_complete ? "" : ", budget spent", live_fuzz::measure(finding.script).to_string());
    print_failures(finding.result, args.transcripts);
    if (!finding.message.empty()) fmt::print("  note: {}\n", finding.message);
    if (!finding.reproduced) fmt::print("  note: a last replay of the shrunk script passed: the failure is flaky\n");
  }
  const std::string text = harness::print_script(finding.script);
  fmt::print("{}", text);
  const std::string name = fmt::format("fuzz-{}-{}.script", report.seed, finding.conversation);
  const std::string path = write_script(args.out, name, text);
  if (!path.empty()) {
    fmt::print("wrote {}\n", path);
    fmt::print("replay: linespec replay {} {} --profile {}\n", shell_word(target.to_string()), shell_word(path),
               shell_word(args.profile));
  }
  fmt::print("{}\n", summary(report));
  return kExitFailure;
}

// The fuzzing run for --html: the finding (its shrunk script and transcripts) as one
// case, or a passing case saying how much was tried.
void add_fuzz_cases(ScriptDocument& document, const FuzzArguments& args, const harness::Target& target,
                    const live_fuzz::FuzzReport& report) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  document.set("fuzz", {{"seed", report.seed},
                        {"conversations", report.conversations},
                        {"elapsed_ms", static_cast<double>(report.elapsed.count()) / 1000.0},
                        {"shrink_elapsed_ms", static_cast<double>(report.shrink_elapsed.count()) / 1000.0},
                        {"text", summary(report)}});
  if (!report.finding) {
    const std::string again = fmt::format("linespec fuzz {} --profile {} --seed {} --max-conversations {}",
                                          shell_word(target.to_string()), shell_word(args.profile), report.seed,
                                          report.conversations);
    document.add_note(ScriptCase{fmt::format("fuzz/seed-{}", report.seed), "fuzz", "no mismatch", again,
                                 report.elapsed},
                      "PASS", summary(report));
    return;
  }
  const live_fuzz::Finding& finding = *report.finding;
  const std::string name = fmt::format("fuzz-{}-{}.script", report.seed, finding.conversation);
  const std::string path = (std::filesystem::path(args.out) / name).string();
  const bool lost = finding.kind == live_fuzz::Finding::Kind::kTargetLost;
  std::string description =
      lost ? fmt::format("the target stopped accepting connections at conversation {}", finding.conversation)
           : fmt::format("mismatch in conversation {}, shrunk in {} {} to {}", finding.conversation,
                         finding.shrink_steps, finding.shrink_steps == 1 ? "step" : "steps",
                         live_fuzz::measure(finding.script).to_string());
  std::string failure = lost ? finding.message : std::string();
  if (!lost && !finding.reproduced) failure = "a last replay of the shrunk script passed: the failure is flaky";
  document.add(ScriptCase{fmt::format("fuzz/{}", name), "fuzz", description,
                          fmt::format("linespec replay {} {} --profile {}", shell_word(target.to_string()),
                                      shell_word(path), shell_word(args.profile)),
                          duration_cast<microseconds>(report.shrink_elapsed)},
               finding.script, finding.result, failure);
}

int fuzz(const FuzzArguments& args) {
  InterruptScope interrupt;  // from here on Ctrl-C stops after the conversation running
  auto target = harness::parse_target(args.target);
  if (!target) return report_error(target.error());
  auto profile = load_profile(args.profile);
  if (!profile) return report_error(profile.error());
  live_fuzz::FuzzOptions options;
  options.profile = *profile;
  options.seed = args.seed ? *args.seed : std::random_device{}();
  options.max_connections = args.connections;
  if (args.max_conversations > 0) options.max_conversations = args.max_conversations;
  if (args.seconds > 0) {
    options.duration = std::chrono::milliseconds(static_cast<std::int64_t>(args.seconds * 1000));
  }
  options.session.inactivity_timeout = std::chrono::milliseconds(args.timeout_ms);
  options.session.hard_cap = std::chrono::seconds(30);
  options.session.max_received = 1u << 20;  // far beyond what a conversation is owed

  if (!args.quiet) {
    fmt::print("linespec {}: fuzzing {}, profile {}, seed {}, up to {} {} per conversation\n", LINESPEC_VERSION,
               target->to_string(), options.profile.name, options.seed, options.max_connections,
               options.max_connections == 1 ? "connection" : "connections");
  }
  std::fflush(stdout);
  // The --html page is written whatever happens from here on.
  HtmlRunInfo html_run{"fuzz"};
  auto html_opened = HtmlReportFile::open_if_named(args.html);
  if (!html_opened) return report_error(html_opened.error());
  std::optional<HtmlReportFile>& html_file = *html_opened;
  ScriptDocument html_document(target->to_string(), *profile, args.profile);
  auto finish = [&](int exit_code) {
    auto elapsed = std::chrono::steady_clock::now() - html_run.started_steady;
    return finish_html_report(html_file, exit_code,
                              html_document.finish(std::chrono::duration_cast<std::chrono::microseconds>(elapsed)),
                              html_run);
  };
  auto fuzzer = live_fuzz::Fuzzer::start(*target, options);
  if (!fuzzer) {
    html_run.error = fuzzer.error().message;
    return finish(report_error(fuzzer.error()));
  }
  if (!fuzzer->overlap_note().empty()) fmt::print("note: {}\n", fuzzer->overlap_note());
  std::fflush(stdout);
  ProgressLine progress(args.quiet);
  live_fuzz::FuzzReport report;
  try {
    report = fuzzer->run([&](const live_fuzz::FuzzProgress& p) {
      if (interrupt.requested()) throw FuzzInterrupted{p.conversations};
      progress.update(p);
    });
  } catch (const FuzzInterrupted& stopped) {
    progress.clear();
    fmt::print("interrupted after {} {}, seed {}\n", stopped.conversations,
               stopped.conversations == 1 ? "conversation" : "conversations", options.seed);
    html_run.error = fmt::format("stopped after {} conversations, seed {}", stopped.conversations, options.seed);
    return finish(kExitInterrupted);
  }
  progress.clear();
  if (html_file) add_fuzz_cases(html_document, args, *target, report);
  if (report.finding) return finish(report_finding(args, *target, report));
  fmt::print("{} no mismatch: {}\n", conformance::verdict_mark(conformance::Verdict::kPass), summary(report));
  return finish(kExitOk);
}

}  // namespace

void add_fuzz_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FuzzArguments>();
  CLI::App* fuzz_app = app.add_subcommand("fuzz", "Fuzz a live server with random conversations, checked by the model");
  fuzz_app->set_version_flag("--version", std::string(version_text()));
  fuzz_app->add_option("target", args->target, "The server to fuzz")->required();
  fuzz_app->add_option("--profile", args->profile, "Built-in profile (seed, lf, echo, stream) or a profile file")
      ->capture_default_str();
  fuzz_app->add_option("--seconds", args->seconds, "Stop after this long (0: no time limit)")
      ->check(CLI::Range(0.0, 1e7))
      ->capture_default_str();
  fuzz_app
      ->add_option("--max-conversations", args->max_conversations, "Stop after this many conversations (0: no limit)")
      ->capture_default_str();
  fuzz_app->add_option("--seed", args->seed, "Seed of the conversations (default: random, printed)");
  fuzz_app->add_option("--connections", args->connections, "Connections per conversation, at most")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  fuzz_app->add_option("--out", args->out, "Folder the shrunk script is written to")->capture_default_str();
  fuzz_app
      ->add_option("--timeout", args->timeout_ms,
                   "Inactivity timeout per connection, in milliseconds (raise it for slow servers)")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  fuzz_app->add_flag("--transcript", args->transcripts, "Print the transcript of each failing connection");
  fuzz_app->add_option("--html", args->html,
                       "Also write an HTML report to FILE: one self-contained page with the shrunk failing "
                       "conversation, its transcripts as a timeline and the replay command");
  fuzz_app->add_flag("-q,--quiet", args->quiet, "No header line and no progress line; only the result");
  fuzz_app->footer(kFuzzFooter);
  fuzz_app->callback([args, &exit_code] { exit_code = fuzz(*args); });
}

}  // namespace linespec::tools
