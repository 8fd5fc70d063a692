// `linespec fuzz TARGET [--profile P] [--seconds N] [--max-conversations N] [--seed S]
// [--connections K] [--out DIR] [--timeout MS]`: black-box fuzzing of a live server
// (fuzz/live). Shrinks the first mismatch, writes it as a script and prints the
// command that replays it.
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "cli_error.hpp"
#include "commands.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/live_fuzz/fuzzer.hpp"
#include "linespec/protocol/profile_file.hpp"
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
  3  the target could not be reached)";

// Progress on a terminal only, at most a few times a second, on one line of stderr.
class ProgressLine {
 public:
  ProgressLine() : enabled_(isatty(STDERR_FILENO) == 1), last_(std::chrono::steady_clock::now()) {}

  void update(const live_fuzz::FuzzProgress& progress) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(progress.elapsed).count();
    if (progress.shrinking) {
      fmt::print(stderr, "\r\033[Kshrinking: {} smaller failing conversations, {} tried, {:.1f} s",
                 progress.shrink_steps, progress.shrink_runs, seconds);
    } else {
      fmt::print(stderr, "\r\033[K{} conversations, {:.0f}/s", progress.conversations,
                 seconds > 0 ? static_cast<double>(progress.conversations) / seconds : 0.0);
    }
    shown_ = true;
  }

  void clear() {
    if (shown_) fmt::print(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
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

int fuzz(const FuzzArguments& args) {
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

  fmt::print("linespec {}: fuzzing {}, profile {}, seed {}, up to {} {} per conversation\n", LINESPEC_VERSION,
             target->to_string(), options.profile.name, options.seed, options.max_connections,
             options.max_connections == 1 ? "connection" : "connections");
  std::fflush(stdout);
  auto fuzzer = live_fuzz::Fuzzer::start(*target, options);
  if (!fuzzer) return report_error(fuzzer.error());
  if (!fuzzer->overlap_note().empty()) fmt::print("note: {}\n", fuzzer->overlap_note());
  std::fflush(stdout);
  ProgressLine progress;
  live_fuzz::FuzzReport report = fuzzer->run([&](const live_fuzz::FuzzProgress& p) { progress.update(p); });
  progress.clear();
  if (report.finding) return report_finding(args, *target, report);
  fmt::print("{} no mismatch: {}\n", conformance::verdict_mark(conformance::Verdict::kPass), summary(report));
  return kExitOk;
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
  fuzz_app->footer(kFuzzFooter);
  fuzz_app->callback([args, &exit_code] { exit_code = fuzz(*args); });
}

}  // namespace linespec::tools
