// The reference client (and the correct client fixture, and a Python client) pass
// every client case, over tcp, a unix socket and stdin/stdout.
#include <gtest/gtest.h>

#include "suite_run.hpp"

namespace linespec::conformance::testing {
namespace {

// The reference client gives up on a silent server after 500 ms, well within T (the
// suite runs with T = 2000 ms, so that a loaded machine does not reach the bound).
std::string reference_client(const std::string& connect, const std::string& extra = " one two three") {
  return kBinDir + "/linespec-client --connect " + connect + " --timeout 500" + extra;
}

void expect_all_pass(const SuiteRun& run) {
  ASSERT_TRUE(run.ran) << run.error.message;
  EXPECT_EQ(run.verdicts.size(), all_case_ids().size());
  EXPECT_EQ(run.summary.failed, 0u) << run.text();
  EXPECT_EQ(run.summary.warned, 0u) << run.text();
}

TEST(ReferenceClient, PassesEveryCaseOverTcp) {
  SuiteRun run = run_client_suite_on(reference_client("tcp:{host}:{port}"));
  expect_all_pass(run);
  // Three records: every case applies.
  EXPECT_EQ(run.summary.skipped, 0u) << run.text();
}

TEST(ReferenceClient, PassesEveryCaseOverAUnixSocket) {
  SuiteRun run = run_client_suite_on(reference_client("unix:{path}"));
  expect_all_pass(run);
  EXPECT_EQ(run.summary.skipped, 0u) << run.text();
}

TEST(ReferenceClient, WithOneRecordTheSeveralRecordCasesAreNotApplicable) {
  SuiteRun run = run_client_suite_on(reference_client("tcp:{host}:{port}", ""));
  expect_all_pass(run);
  EXPECT_EQ(run.with(Verdict::kNotApplicable), (std::set<std::string>{"exchange/2", "replies/3", "close/2"}))
      << run.text();
}

TEST(ReferenceClient, PassesUnderTheLfEchoAndStreamProfiles) {
  for (const char* profile : {"lf", "echo", "stream"}) {
    SCOPED_TRACE(profile);
    SuiteOptions options;
    options.profile = profile;
    SuiteRun run = run_client_suite_on(reference_client("tcp:{host}:{port}", std::string(" --profile ") + profile +
                                                                                 " one two three"),
                                       options);
    expect_all_pass(run);
  }
}

TEST(CorrectClientFixture, PassesEveryCaseOverTcpAndStdio) {
  std::string client = kFixtureDir + "/client-correct --timeout 500 one two three";
  expect_all_pass(run_client_suite_on(client + " --connect tcp:{host}:{port}"));
  SuiteOptions stdio;
  stdio.stdio = true;
  SuiteRun run = run_client_suite_on(client + " --stdio", stdio);
  expect_all_pass(run);
  // The client's stdout is the connection: printing cannot be checked.
  EXPECT_EQ(run.with(Verdict::kNotApplicable), std::set<std::string>{"exchange/4"}) << run.text();
}

// A client in another language, as the README shows it. An interpreter starts slowly,
// the more so on a loaded machine, so T is the default 5000 ms here.
TEST(PythonClient, PassesEveryCaseOverStdioAndTheExchangeOverTcp) {
  std::string client = python_interpreter() + " " + kSourceDir + "/tests/client/line_client.py --timeout 1000";
  SuiteOptions options;
  options.timeout = std::chrono::milliseconds(5000);
  options.stdio = true;
  expect_all_pass(run_client_suite_on(client + " --stdio", options));
  options.stdio = false;
  options.cases = {"exchange"};
  SuiteRun run = run_client_suite_on(client + " {host} {port}", options);
  ASSERT_TRUE(run.ran) << run.error.message;
  EXPECT_EQ(run.with(Verdict::kPass).size(), 5u) << run.text();
}

}  // namespace
}  // namespace linespec::conformance::testing
