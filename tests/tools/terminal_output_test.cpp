// What `linespec run` and `test-client` print: a progress line and colours on a
// terminal (a pseudo-terminal here), never an escape byte with NO_COLOR or off a
// terminal, -q and -v; and Ctrl-C, which stops the run, still writes the reports
// and exits 130.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec_test/sanitized.hpp"

extern char** environ;

namespace linespec::tools::testing {
namespace {

using std::chrono::milliseconds;

const std::string kFixtureDir = LINESPEC_FIXTURE_DIR;
constexpr char kEscape = '\033';
// "[ 3/16]  0 failed  0.2s  greeting/3"
const std::regex kProgress(R"(\[ *[0-9]+/[0-9]+\]  0 failed  [0-9]+\.[0-9]s  [a-z-]+/[0-9]+)");

struct TerminalRun {
  int exit_code = -1;
  std::string output;  // everything the terminal received
};

// Runs linespec with its stdin, stdout and stderr on a pseudo-terminal, with
// NO_COLOR removed from the environment and `extra_env` ("NAME=VALUE") added.
TerminalRun run_in_terminal(std::vector<std::string> args, const std::vector<std::string>& extra_env = {}) {
  args.insert(args.begin(), kLinespec);
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::string(*entry).rfind("NO_COLOR=", 0) != 0) env.push_back(*entry);
  }
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  TerminalRun run;
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    ADD_FAILURE() << "forkpty failed: errno " << errno;
    return run;
  }
  if (pid == 0) {
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  // Until the terminal reports the end (EIO once the child and its output are gone).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ADD_FAILURE() << "linespec on a terminal did not finish in time";
      kill(pid, SIGKILL);
      break;
    }
    pollfd readable{master, POLLIN, 0};
    int ready = poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buffer[4096];
    ssize_t n = read(master, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

// linespec through /bin/sh, so that the environment can be set; stdout as lines.
CliRun run_with_env(const std::string& env, const std::string& arguments) {
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto child = harness::ChildProcess::start(harness::Command::shell(env + " exec " + kLinespec + " " + arguments),
                                            options);
  CliRun run;
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return run;
  }
  while (auto line = child->read_line(milliseconds(60000))) run.lines.push_back(*line);
  auto status = child->wait(milliseconds(10000));
  EXPECT_TRUE(status) << "linespec did not exit";
  if (status) run.exit_code = status->code;
  run.error = child->captured_stderr();
  return run;
}

harness::SpawnedServer start_fixture(const std::string& name, std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), kFixtureDir + "/fixture-" + name);
  auto server = harness::spawn_server(harness::Command::program(flags));
  if (!server) throw std::runtime_error(server.error().message);
  return std::move(*server);
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string temp_dir() {
  std::string pattern = "/tmp/linespec-term-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

TEST(ConsoleStyle, ColoursOnlyOnATerminalAndNeverWithNoColor) {
  using conformance::ColorMode;
  using conformance::console_style;
  using conformance::Verbosity;
  EXPECT_TRUE(console_style(ColorMode::kAuto, true, nullptr, Verbosity::kNormal).color);
  EXPECT_TRUE(console_style(ColorMode::kAuto, true, "", Verbosity::kNormal).color);
  EXPECT_FALSE(console_style(ColorMode::kAuto, true, "1", Verbosity::kNormal).color);
  EXPECT_FALSE(console_style(ColorMode::kAuto, false, nullptr, Verbosity::kNormal).color);
  EXPECT_TRUE(console_style(ColorMode::kAlways, false, nullptr, Verbosity::kNormal).color);
  EXPECT_FALSE(console_style(ColorMode::kAlways, true, "yes", Verbosity::kNormal).color);
  EXPECT_FALSE(console_style(ColorMode::kNever, true, nullptr, Verbosity::kNormal).color);
  EXPECT_TRUE(console_style(ColorMode::kNever, true, nullptr, Verbosity::kQuiet).progress);
  EXPECT_FALSE(console_style(ColorMode::kAlways, false, nullptr, Verbosity::kVerbose).progress);
}

TEST(ConsoleStyle, ProgressLineCountsCasesFailuresAndTime) {
  EXPECT_EQ(conformance::progress_line(37, 99, 2, std::chrono::milliseconds(400), "close/3"),
            "[37/99]  2 failed  0.4s  close/3");
  EXPECT_EQ(conformance::progress_line(7, 99, 0, std::chrono::seconds(12), ""), "[ 7/99]  0 failed  12.0s");
}

TEST(TerminalOutput, OnATerminalAProgressLineIsRedrawnAndVerdictsAreColoured) {
  TerminalRun run = run_in_terminal({"run", "--case", "greeting", "--case", "framing"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  // Drawn, erased before each result line, counting up to the total.
  EXPECT_TRUE(std::regex_search(run.output, kProgress)) << run.output;
  EXPECT_NE(run.output.find("\r\033[K"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("\033[32m\u2714\033[0m greeting/1"), std::string::npos) << run.output;
  auto summary = run.output.rfind(" passed, 0 failed");
  ASSERT_NE(summary, std::string::npos) << run.output;
  EXPECT_EQ(run.output.find('[', summary), std::string::npos) << "no progress line after the summary";
}

TEST(TerminalOutput, NoColorOnATerminalKeepsTheProgressLineWithoutAnEscapeByte) {
  TerminalRun run = run_in_terminal({"run", "--case", "greeting"}, {"NO_COLOR=1"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find(kEscape), std::string::npos) << run.output;
  EXPECT_TRUE(std::regex_search(run.output, kProgress)) << run.output;
  EXPECT_NE(run.output.find("   \r"), std::string::npos) << "erased with blanks: " << run.output;
  EXPECT_NE(run.output.find("\u2714 greeting/1"), std::string::npos) << run.output;
}

TEST(TerminalOutput, ColorNeverOnATerminalHasNoColours) {
  TerminalRun run = run_in_terminal({"run", "--case", "greeting", "--color", "never"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("\033[3"), std::string::npos) << run.output;
}

TEST(TerminalOutput, AnEmptyNoColorDoesNotCount) {
  TerminalRun run = run_in_terminal({"run", "--case", "greeting/1"}, {"NO_COLOR="});
  EXPECT_NE(run.output.find("\033[32m"), std::string::npos) << run.output;
}

TEST(TerminalOutput, TestClientShowsProgressOnATerminalToo) {
  std::string client = std::string(LINESPEC_BIN_DIR) + "/linespec-client --connect tcp:{host}:{port} one two three";
  TerminalRun run = run_in_terminal({"test-client", client, "--case", "greeting"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(std::regex_search(run.output, kProgress)) << run.output;
  EXPECT_NE(run.output.find("\r\033[K"), std::string::npos) << run.output;
}

TEST(TerminalOutput, FuzzProgressFollowsNoColorAndQuiet) {
  auto server = start_fixture("correct");
  // A long timeout: a loaded machine must not make the correct server look wrong.
  std::vector<std::string> args = {"fuzz",        server.address().to_string(), "--seconds", "1", "--seed", "1",
                                   "--timeout", "10000"};
  TerminalRun shown = run_in_terminal(args);
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find(" conversations, "), std::string::npos) << "progress: " << shown.output;
  EXPECT_NE(shown.output.find("\r\033[K"), std::string::npos) << shown.output;
  TerminalRun plain = run_in_terminal(args, {"NO_COLOR=1"});
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_EQ(plain.output.find(kEscape), std::string::npos) << plain.output;
  args.push_back("-q");
  TerminalRun quiet = run_in_terminal(args);
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find(" conversations, "), std::string::npos) << quiet.output;
  EXPECT_EQ(quiet.output.find("fuzzing"), std::string::npos) << quiet.output;
  EXPECT_NE(quiet.output.find("no mismatch"), std::string::npos) << quiet.output;
}

TEST(PlainOutput, OffATerminalThereIsNoEscapeByteAndNoProgressLine) {
  CliRun run = run_linespec({"run", "--case", "greeting", "--case", "framing"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_EQ(run.text().find(kEscape), std::string::npos) << run.text();
  EXPECT_EQ(run.text().find('\r'), std::string::npos) << run.text();
  auto broken = start_fixture("no-greeting");
  CliRun failing = run_linespec({"run", broken.address().to_string(), "--case", "greeting"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_EQ(failing.text().find(kEscape), std::string::npos) << failing.text();
}

TEST(PlainOutput, ColorAlwaysColoursAPipeUnlessNoColorIsSet) {
  CliRun coloured = run_with_env("", "run --case greeting/1 --color always");
  EXPECT_EQ(coloured.exit_code, 0) << coloured.error;
  EXPECT_NE(coloured.text().find("\033[32m\u2714"), std::string::npos) << coloured.text();
  CliRun plain = run_with_env("NO_COLOR=1", "run --case greeting/1 --color always");
  EXPECT_EQ(plain.exit_code, 0) << plain.error;
  EXPECT_EQ(plain.text().find(kEscape), std::string::npos) << plain.text();
}

TEST(PlainOutput, BadColorIsAUsageError) {
  CliRun run = run_linespec({"run", "--color", "sometimes"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "--color");
}

TEST(Verbosity, QuietPrintsOnlyFailuresAndTheSummary) {
  CliRun passing = run_linespec({"run", "-q", "--case", "greeting", "--case", "framing"});
  EXPECT_EQ(passing.exit_code, 0) << passing.error;
  ASSERT_EQ(passing.lines.size(), 1u) << passing.text();
  EXPECT_NE(passing.last_line().find(" passed, 0 failed"), std::string::npos);

  auto broken = start_fixture("no-greeting");
  CliRun failing = run_linespec({"run", broken.address().to_string(), "--quiet", "--case", "greeting"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_EQ(count_of(failing.text(), "\u2714"), 0u) << failing.text();
  EXPECT_GE(count_of(failing.text(), "\u00d7 greeting/"), 1u) << failing.text();
  EXPECT_NE(failing.text().find("    replay:   "), std::string::npos) << failing.text();
  EXPECT_FALSE(starts_with(failing.lines.front(), "linespec ")) << "no header under -q";
  EXPECT_NE(failing.last_line().find(" failed"), std::string::npos);
}

TEST(Verbosity, VerboseShowsEveryCaseWithItsEvidenceAndTheTranscriptsOfFailures) {
  CliRun normal = run_linespec({"run", "--case", "framing/3"});
  CliRun verbose = run_linespec({"run", "-v", "--case", "framing/3"});
  EXPECT_EQ(verbose.exit_code, 0) << verbose.error;
  EXPECT_EQ(normal.text().find("replay:"), std::string::npos) << normal.text();
  EXPECT_NE(verbose.text().find("    replay:   linespec run"), std::string::npos) << verbose.text();
  EXPECT_GT(verbose.lines.size(), normal.lines.size());

  auto broken = start_fixture("no-greeting");
  CliRun failing = run_linespec({"run", broken.address().to_string(), "--verbose", "--case", "greeting/1"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_NE(failing.text().find("    --- connection a ("), std::string::npos) << failing.text();
}

TEST(Verbosity, QuietAndVerboseTogetherAreAUsageError) {
  CliRun run = run_linespec({"run", "-q", "-v"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "");
}

TEST(Verbosity, HelpDocumentsQuietVerboseColorAndExit130) {
  for (const char* command : {"run", "test-client"}) {
    CliRun run = run_linespec({command, "--help"});
    EXPECT_EQ(run.exit_code, 0);
    for (const char* part : {"--quiet", "--verbose", "--color", "130"}) {
      EXPECT_NE(run.text().find(part), std::string::npos) << command << " --help lacks " << part;
    }
  }
}

// Starts `linespec ARGS`, waits for its first result line, sends SIGINT, and returns
// what it printed, its exit status and how long it took to end after the signal.
// With `again`, SIGINT is sent again every 100 ms until it exits (signals sent at
// once would merge into one pending signal).
struct InterruptedRun {
  CliRun run;
  milliseconds after_signal{0};
};

InterruptedRun interrupt_after_first_result(std::vector<std::string> args, bool again = false,
                                            const std::string& first_line_start = {}) {
  bool signalled = false;
  std::chrono::steady_clock::time_point signalled_at;
  InterruptedRun result;
  result.run = run_linespec(std::move(args), [&](const std::string& line, harness::ChildProcess& child) {
    bool result_line = first_line_start.empty() ? starts_with(line, "\u2714 ") || starts_with(line, "\u00d7 ")
                                                : starts_with(line, first_line_start);
    if (signalled || !result_line) return;
    signalled_at = std::chrono::steady_clock::now();
    child.signal(SIGINT);
    signalled = true;
    for (int tries = 0; again && tries < 50 && !child.wait(milliseconds(100)); ++tries) child.signal(SIGINT);
  });
  EXPECT_TRUE(signalled) << "no result line: " << result.run.text();
  result.after_signal =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - signalled_at);
  return result;
}

TEST(Interrupt, CtrlCStopsTheRunWritesTheReportsOfWhatRanAndExits130) {
  auto server = start_fixture("slow-correct", {"--delay-ms", "150"});
  std::string dir = temp_dir();
  std::string json_path = dir + "/r.json";
  std::string junit_path = dir + "/r.xml";
  InterruptedRun stopped = interrupt_after_first_result(
      {"run", server.address().to_string(), "--jobs", "2", "--json", json_path, "--junit", junit_path});
  const CliRun& run = stopped.run;
  EXPECT_EQ(run.exit_code, 130) << run.text() << run.error;
  // Cases run at most a couple of timeouts (1 s) each; nothing new starts.
  EXPECT_LT(stopped.after_signal.count(), 8000);
  ASSERT_GE(run.lines.size(), 2u);
  EXPECT_NE(run.last_line().find(" passed, "), std::string::npos) << run.text();
  const std::string& interrupted = run.lines[run.lines.size() - 2];
  EXPECT_TRUE(starts_with(interrupted, "interrupted after ")) << interrupted;
  EXPECT_NE(interrupted.find(" of 99 cases"), std::string::npos) << interrupted;

  auto report = nlohmann::json::parse(read_file(json_path), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << "the JSON report does not parse";
  EXPECT_TRUE(report["summary"]["interrupted"].get<bool>());
  EXPECT_FALSE(report["summary"]["ok"].get<bool>());
  EXPECT_EQ(report["summary"]["selected"].get<int>(), 99);
  std::size_t ran = report["cases"].size();
  EXPECT_GE(ran, 1u);
  EXPECT_LT(ran, 99u);
  EXPECT_NE(interrupted.find("after " + std::to_string(ran) + " of"), std::string::npos) << interrupted;

  std::string junit = read_file(junit_path);
  EXPECT_NE(junit.find("</testsuites>"), std::string::npos) << "the JUnit report is complete XML";
  EXPECT_EQ(count_of(junit, "<testcase "), ran) << junit.substr(0, 400);
  EXPECT_NE(junit.find("<property name=\"interrupted\" value=\"true\"/>"), std::string::npos) << junit.substr(0, 800);
  std::remove(json_path.c_str());
  std::remove(junit_path.c_str());
  rmdir(dir.c_str());
}

TEST(Interrupt, ASecondCtrlCExitsAtOnce) {
  // never-closes makes end-of-stream cases wait for the whole timeout: after the first
  // result, the next cases are each still waiting for several seconds.
  auto server = start_fixture("never-closes");
  if (linespec::testing::kThreadSanitized) {
    // Exiting at once leaves the case threads running, as it should; ThreadSanitizer
    // would report that as a thread leak at exit. Races are still reported.
    const char* options = std::getenv("TSAN_OPTIONS");
    std::string with = options != nullptr && *options != '\0' ? std::string(options) + ":" : std::string();
    ::setenv("TSAN_OPTIONS", (with + "report_thread_leaks=0").c_str(), 1);
  }
  InterruptedRun stopped = interrupt_after_first_result(
      {"run", server.address().to_string(), "--case", "eof", "--timeout", "4000", "--jobs", "4"}, true);
  EXPECT_EQ(stopped.run.exit_code, 130) << stopped.run.text() << stopped.run.error;
  EXPECT_LT(stopped.after_signal.count(), 2000);
}

TEST(Interrupt, TestClientStopsOnCtrlCToo) {
  std::string client = std::string(LINESPEC_BIN_DIR) + "/linespec-client --connect tcp:{host}:{port} one two three";
  std::string dir = temp_dir();
  std::string json_path = dir + "/c.json";
  InterruptedRun stopped = interrupt_after_first_result({"test-client", client, "--jobs", "1", "--json", json_path});
  EXPECT_EQ(stopped.run.exit_code, 130) << stopped.run.text() << stopped.run.error;
  auto report = nlohmann::json::parse(read_file(json_path), nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_TRUE(report["summary"]["interrupted"].get<bool>());
  EXPECT_LT(report["cases"].size(), report["summary"]["selected"].get<std::size_t>());
  std::remove(json_path.c_str());
  rmdir(dir.c_str());
}

TEST(Interrupt, FuzzStopsAfterTheConversationRunning) {
  auto server = start_fixture("correct");
  InterruptedRun stopped =
      interrupt_after_first_result({"fuzz", server.address().to_string(), "--seconds", "0", "--seed", "1"}, false,
                                   "linespec ");
  EXPECT_EQ(stopped.run.exit_code, 130) << stopped.run.text() << stopped.run.error;
  EXPECT_LT(stopped.after_signal.count(), 5000);
  EXPECT_TRUE(starts_with(stopped.run.last_line(), "interrupted after ")) << stopped.run.text();
}

}  // namespace
}  // namespace linespec::tools::testing
