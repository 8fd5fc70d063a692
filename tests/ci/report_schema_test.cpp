// docs/report-schema.json describes the --json reports exactly: reports of a passing
// run, of a failing one and of test-client validate, and reports changed in one place
// (a verdict outside the enum, a missing field, an extra field) do not.
#include <gtest/gtest.h>

#include <string>

#include "ci_run.hpp"

namespace linespec::ci::testing {
namespace {

const std::string kLinespec = kBinDir + "/linespec";

// Validates the report; skips the test when python3-jsonschema is missing.
#define EXPECT_REPORT_VALID(report)                                                        \
  do {                                                                                     \
    ShellRun check = run_shell(kValidator + " " + kSchema + " " + (report));               \
    if (check.exit_code == kSkipped) GTEST_SKIP() << "python3-jsonschema is not installed"; \
    EXPECT_EQ(check.exit_code, 0) << check.error;                                          \
  } while (0)

TEST(ReportSchema, ARunAgainstTheReferenceServerValidates) {
  TempDir dir;
  ShellRun run = run_shell(kLinespec + " run --json " + dir.file("r.json"));
  ASSERT_EQ(run.exit_code, 0) << run.error;
  EXPECT_REPORT_VALID(dir.file("r.json"));
}

TEST(ReportSchema, AFailingRunWithEvidenceValidates) {
  TempDir dir;
  auto server = harness::spawn_server(harness::Command::program({kFixtureDir + "/fixture-first-record-only"}));
  ASSERT_TRUE(server) << server.error().message;
  ShellRun run = run_shell(kLinespec + " run " + server->address().to_string() + " --case framing --case replies" +
                           " --json " + dir.file("r.json"));
  ASSERT_EQ(run.exit_code, 1) << run.output;
  ShellRun evidence = run_shell("grep -c '\"received\"' " + dir.file("r.json"));
  EXPECT_NE(evidence.output, "0\n") << "the failing cases carry evidence";
  EXPECT_REPORT_VALID(dir.file("r.json"));
}

TEST(ReportSchema, AStrictRunWithKnownFailuresValidates) {
  TempDir dir;
  auto server = harness::spawn_server(harness::Command::program({kFixtureDir + "/fixture-no-greeting"}));
  ASSERT_TRUE(server) << server.error().message;
  ShellRun list = run_shell("echo greeting/1 > " + dir.file("expect"));
  ASSERT_EQ(list.exit_code, 0);
  ShellRun run = run_shell(kLinespec + " run " + server->address().to_string() + " --case greeting --strict" +
                           " --expect " + dir.file("expect") + " --json " + dir.file("r.json"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_REPORT_VALID(dir.file("r.json"));
}

TEST(ReportSchema, TestClientOfTheReferenceClientValidates) {
  TempDir dir;
  std::string client = kBinDir + "/linespec-client --connect tcp:{host}:{port} one two three";
  ShellRun run = run_shell(kLinespec + " test-client '" + client + "' --json " + dir.file("c.json"));
  ASSERT_EQ(run.exit_code, 0) << run.output << run.error;
  EXPECT_REPORT_VALID(dir.file("c.json"));
}

TEST(ReportSchema, RejectsAReportChangedInOnePlace) {
  TempDir dir;
  ShellRun run = run_shell(kLinespec + " run --case greeting --json " + dir.file("r.json"));
  ASSERT_EQ(run.exit_code, 0) << run.error;
  EXPECT_REPORT_VALID(dir.file("r.json"));
  for (const char* mutation : {"bad-verdict", "missing-field", "extra-field", "bad-summary"}) {
    ShellRun check = run_shell(kValidator + " " + kSchema + " " + dir.file("r.json") + " " + mutation);
    EXPECT_EQ(check.exit_code, 1) << mutation << " was accepted: " << check.output << check.error;
    EXPECT_NE(check.error.find("invalid at"), std::string::npos) << check.error;
  }
}

}  // namespace
}  // namespace linespec::ci::testing
