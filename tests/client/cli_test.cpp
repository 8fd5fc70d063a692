// `linespec test-client` run as a user would: report, exit status, and a one-line
// error for bad usage (2) or a client command that cannot run (3).
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"

namespace linespec::tools {
namespace {

using std::chrono::milliseconds;

const std::string kLinespec = std::string(LINESPEC_BIN_DIR) + "/linespec";
const std::string kReferenceClient = std::string(LINESPEC_BIN_DIR) + "/linespec-client";
const std::string kFixtureDir = LINESPEC_FIXTURE_DIR;

struct CliRun {
  int exit_code = -1;
  std::vector<std::string> lines;  // stdout
  std::string error;               // stderr
};

CliRun run_linespec(std::vector<std::string> args) {
  args.insert(args.begin(), {kLinespec, "test-client"});
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto child = harness::ChildProcess::start(harness::Command::program(args), options);
  CliRun run;
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return run;
  }
  // Until stdout ends; a hung program shows up as a timeout here.
  for (;;) {
    auto line = child->read_line(milliseconds(60000));
    if (!line) break;
    run.lines.push_back(*line);
  }
  auto status = child->wait(milliseconds(10000));
  EXPECT_TRUE(status) << "linespec did not exit";
  if (status) run.exit_code = status->kind == harness::ExitStatus::Kind::kExited ? status->code : -1;
  run.error = child->captured_stderr();
  return run;
}

std::string all_lines(const CliRun& run) {
  std::string text;
  for (const std::string& line : run.lines) text += line + "\n";
  return text;
}

void expect_one_line_error(const CliRun& run, const std::string& naming) {
  EXPECT_EQ(run.error.rfind("linespec", 0), 0u) << run.error;
  ASSERT_FALSE(run.error.empty());
  EXPECT_EQ(run.error.find('\n'), run.error.size() - 1) << run.error;
  EXPECT_NE(run.error.find(naming), std::string::npos) << run.error;
}

TEST(LinespecTestClient, TheReferenceClientPassesAndTheReportSaysSo) {
  CliRun run = run_linespec(
      {kReferenceClient + " --connect tcp:{host}:{port} --timeout 500 one two three", "--timeout", "2000"});
  EXPECT_EQ(run.exit_code, 0) << all_lines(run) << run.error;
  ASSERT_GE(run.lines.size(), 22u) << all_lines(run);
  EXPECT_EQ(run.lines.front().rfind("linespec ", 0), 0u) << run.lines.front();
  EXPECT_NE(run.lines.front().find("client spec"), std::string::npos) << run.lines.front();
  EXPECT_NE(run.lines.back().find(" passed, 0 failed"), std::string::npos) << run.lines.back();
  EXPECT_EQ(run.error, "");
}

TEST(LinespecTestClient, ABrokenClientFailsWithEvidenceAndAReplayCommand) {
  CliRun run = run_linespec({kFixtureDir + "/client-ignores-refusal --connect tcp:{host}:{port} --timeout 300",
                             "--timeout", "1000", "--case", "refusal"});
  EXPECT_EQ(run.exit_code, 1) << all_lines(run);
  std::string text = all_lines(run);
  EXPECT_NE(text.find("\u00d7 refusal/1"), std::string::npos) << text;
  EXPECT_NE(text.find("    sent:     \"not connect\\n\""), std::string::npos) << text;
  EXPECT_NE(text.find("    replay:   linespec test-client '"), std::string::npos) << text;
  EXPECT_NE(text.find("--case refusal/1"), std::string::npos) << text;
  EXPECT_NE(run.lines.back().find("0 passed, 5 failed"), std::string::npos) << run.lines.back();
}

TEST(LinespecTestClient, KnownFailuresAreExpectedAndTheJUnitReportNamesThem) {
  char dir_template[] = "/tmp/linespec-client-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  std::string expect = dir + "/known.txt";
  std::string junit = dir + "/report.xml";
  {
    std::ofstream known(expect);
    known << "# this client reads a refusal as a greeting\nrefusal/1\nrefusal/2  split\nrefusal/3\n"
             "refusal/4\nrefusal/5\n";
  }
  CliRun run = run_linespec({kFixtureDir + "/client-ignores-refusal --connect tcp:{host}:{port} --timeout 300",
                             "--timeout", "1000", "--case", "refusal", "--expect", expect, "--junit", junit});
  EXPECT_EQ(run.exit_code, 0) << all_lines(run) << run.error;
  EXPECT_NE(run.lines.back().find("5 failed as expected"), std::string::npos) << run.lines.back();
  std::ifstream report(junit);
  std::string xml((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<testsuite"), std::string::npos) << xml;
  EXPECT_NE(xml.find("refusal/1"), std::string::npos) << xml;
  std::remove(expect.c_str());
  std::remove(junit.c_str());
  ::rmdir(dir.c_str());
}

TEST(LinespecTestClient, DryRunListsTheCasesWithTheirRequirements) {
  CliRun run = run_linespec({"--dry-run"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_GE(run.lines.size(), 20u);
  EXPECT_NE(all_lines(run).find("CGREET-1"), std::string::npos) << all_lines(run);
}

TEST(LinespecTestClient, BadUsageExitsTwoWithOneLine) {
  struct Bad {
    std::vector<std::string> args;
    std::string naming;
  };
  for (const Bad& bad : std::vector<Bad>{
           {{"client --connect somewhere"}, "placeholder"},
           {{"client {port} {path}"}, "both"},
           {{"client {port}", "--stdio"}, "--stdio"},
           {{"client {port}", "--profile", "no-such-profile"}, "no-such-profile"},
           {{"client {port}", "--case", "no-such-case"}, "no-such-case"},
           {{"client {port}", "--timeout", "5"}, "--timeout"},
           {{"client {port}", "--no-such-flag"}, "--no-such-flag"},
           {{}, "CMD"},
       }) {
    CliRun run = run_linespec(bad.args);
    EXPECT_EQ(run.exit_code, 2) << bad.naming << ": " << run.error;
    expect_one_line_error(run, bad.naming);
  }
}

TEST(LinespecTestClient, AClientCommandThatCannotRunExitsThree) {
  CliRun run = run_linespec({"/nonexistent/client {host} {port}"});
  EXPECT_EQ(run.exit_code, 3) << all_lines(run) << run.error;
  expect_one_line_error(run, "could not be run");
  EXPECT_TRUE(run.lines.empty()) << all_lines(run);
}

TEST(LinespecTestClient, HelpAndVersion) {
  CliRun help = run_linespec({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(all_lines(help).find("{port}"), std::string::npos) << all_lines(help);
  CliRun version = run_linespec({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(all_lines(version).find(LINESPEC_VERSION), std::string::npos) << all_lines(version);
}

}  // namespace
}  // namespace linespec::tools
