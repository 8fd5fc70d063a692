// The CI examples work as written: the `run:` steps of docs/ci/github-actions.yml
// (all but "Install linespec": this build's programs are on PATH) check the example
// server and leave a valid JUnit and JSON report; docs/ci/any-ci.sh exits 0 against
// the reference server and 1 against a broken one, with a JUnit report both times.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "ci_run.hpp"

namespace linespec::ci::testing {
namespace {

const std::string kPath = "PATH='" + kBinDir + "':\"$PATH\"";

// A JUnit report that parses, with `cases` test cases and `failures` failures at most
// (failures < 0: at least one).
void expect_junit(const std::string& path, int failures) {
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  ShellRun check = run_shell(
      "/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
      "cases = r.findall(\".//testcase\"); fails = [c for c in cases if c.find(\"failure\") is not None]; "
      "print(len(cases), len(fails))' " +
      path);
  ASSERT_EQ(check.exit_code, 0) << "the JUnit report does not parse: " << check.error;
  int case_count = -1;
  int failure_count = -1;
  ASSERT_EQ(std::sscanf(check.output.c_str(), "%d %d", &case_count, &failure_count), 2) << check.output;
  EXPECT_GT(case_count, 0);
  if (failures < 0) {
    EXPECT_GT(failure_count, 0);
  } else {
    EXPECT_EQ(failure_count, failures);
  }
}

void expect_valid_json(const std::string& path) {
  ShellRun check = run_shell(kValidator + " " + kSchema + " " + path);
  if (check.exit_code == kSkipped) return;
  EXPECT_EQ(check.exit_code, 0) << check.error;
}

TEST(GithubActionsExample, ItsRunStepsCheckTheExampleServerAndWriteTheReports) {
  TempDir dir;
  std::filesystem::copy(kSourceDir + "/docs/ci/example-server", dir.file("example-server"),
                        std::filesystem::copy_options::recursive);
  ShellRun run = run_shell(kPath + " /usr/bin/python3 " + kSourceDir + "/tests/ci/run_workflow.py " + kSourceDir +
                           "/docs/ci/github-actions.yml " + dir.path() + " 'Install linespec'");
  if (run.exit_code == kSkipped) GTEST_SKIP() << "python3-yaml is not installed";
  ASSERT_EQ(run.exit_code, 0) << run.output << run.error;
  EXPECT_NE(run.output.find("run: Check the server with linespec"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(" passed, 0 failed"), std::string::npos) << run.output;
  expect_junit(dir.file("linespec.xml"), 0);
  expect_valid_json(dir.file("linespec.json"));
}

TEST(AnyCiExample, PassesTheReferenceServerWithAJUnitReport) {
  TempDir dir;
  ShellRun run = run_shell(kPath + " REPORT_DIR=" + dir.path() + " SERVER_CMD='" + kBinDir +
                           "/linespec-server --listen tcp:127.0.0.1:0' sh " + kSourceDir + "/docs/ci/any-ci.sh");
  EXPECT_EQ(run.exit_code, 0) << run.output << run.error;
  EXPECT_NE(run.output.find("any-ci.sh: linespec exited with 0"), std::string::npos) << run.output;
  expect_junit(dir.file("linespec.xml"), 0);
  expect_valid_json(dir.file("linespec.json"));
}

TEST(AnyCiExample, ABrokenServerFailsTheBuildAndStillLeavesTheReport) {
  TempDir dir;
  ShellRun run = run_shell(kPath + " REPORT_DIR=" + dir.path() + " SERVER_CMD='" + kFixtureDir +
                           "/fixture-first-record-only' sh " + kSourceDir + "/docs/ci/any-ci.sh");
  EXPECT_EQ(run.exit_code, 1) << run.output << run.error;
  expect_junit(dir.file("linespec.xml"), -1);
}

TEST(AnyCiExample, ByDefaultChecksTheExampleServer) {
  TempDir dir;
  ShellRun run = run_shell(kPath + " REPORT_DIR=" + dir.path() + " sh " + kSourceDir + "/docs/ci/any-ci.sh");
  EXPECT_EQ(run.exit_code, 0) << run.output << run.error;
  expect_junit(dir.file("linespec.xml"), 0);
}

TEST(AnyCiExample, AServerThatDoesNotStartIsReportedAsUnreachable) {
  TempDir dir;
  ShellRun run = run_shell(kPath + " REPORT_DIR=" + dir.path() + " SERVER_CMD=/nonexistent/server sh " + kSourceDir +
                           "/docs/ci/any-ci.sh");
  EXPECT_EQ(run.exit_code, 3) << run.output << run.error;
}

}  // namespace
}  // namespace linespec::ci::testing
