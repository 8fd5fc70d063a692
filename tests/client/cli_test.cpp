// `linespec test-client` run as a user would: report, exit status, and a one-line
// error for bad usage (2) or a client command that cannot run (3).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "cli_run.hpp"

namespace linespec::tools {
namespace {

using testing::CliRun;
using testing::expect_one_line_error;

const std::string kReferenceClient = std::string(LINESPEC_BIN_DIR) + "/linespec-client";
const std::string kFixtureDir = LINESPEC_FIXTURE_DIR;

CliRun run_linespec(std::vector<std::string> args) {
  args.insert(args.begin(), "test-client");
  return testing::run_linespec(std::move(args));
}

TEST(LinespecTestClient, TheReferenceClientPassesAndTheReportSaysSo) {
  CliRun run = run_linespec(
      {kReferenceClient + " --connect tcp:{host}:{port} --timeout 500 one two three", "--timeout", "2000"});
  EXPECT_EQ(run.exit_code, 0) << run.text() << run.error;
  ASSERT_GE(run.lines.size(), 22u) << run.text();
  EXPECT_EQ(run.lines.front().rfind("linespec ", 0), 0u) << run.lines.front();
  EXPECT_NE(run.lines.front().find("client spec"), std::string::npos) << run.lines.front();
  EXPECT_NE(run.lines.back().find(" passed, 0 failed"), std::string::npos) << run.lines.back();
  EXPECT_EQ(run.error, "");
}

TEST(LinespecTestClient, ABrokenClientFailsWithEvidenceAndAReplayCommand) {
  CliRun run = run_linespec({kFixtureDir + "/client-ignores-refusal --connect tcp:{host}:{port} --timeout 300",
                             "--timeout", "1000", "--case", "refusal"});
  EXPECT_EQ(run.exit_code, 1) << run.text();
  std::string text = run.text();
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
  EXPECT_EQ(run.exit_code, 0) << run.text() << run.error;
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
  EXPECT_NE(run.text().find("CGREET-1"), std::string::npos) << run.text();
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
  EXPECT_EQ(run.exit_code, 3) << run.text() << run.error;
  expect_one_line_error(run, "could not be run");
  EXPECT_TRUE(run.lines.empty()) << run.text();
}

TEST(LinespecTestClient, HelpAndVersion) {
  CliRun help = run_linespec({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.text().find("{port}"), std::string::npos) << help.text();
  CliRun version = run_linespec({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.text().find(LINESPEC_VERSION), std::string::npos) << version.text();
}

}  // namespace
}  // namespace linespec::tools
