// Each client fixture with one bug fails exactly the cases that name its bug, and the
// kit survives clients that cannot run or hang.
#include <gtest/gtest.h>

#include "suite_run.hpp"

namespace linespec::conformance::testing {
namespace {

// T = 1000 ms: the hanging client is killed after 1500 ms in each case it hangs in.
SuiteRun run_fixture(const std::string& name) {
  SuiteOptions options;
  options.timeout = std::chrono::milliseconds(1000);
  options.jobs = 6;
  return run_client_suite_on(
      kFixtureDir + "/client-" + name + " --connect tcp:{host}:{port} --timeout 300 one two three", options);
}

TEST(BrokenClient, IgnoresRefusalFailsTheRefusalCases) {
  SuiteRun run = run_fixture("ignores-refusal");
  ASSERT_TRUE(run.ran) << run.error.message;
  EXPECT_EQ(run.with(Verdict::kFail),
            (std::set<std::string>{"refusal/1", "refusal/2", "refusal/3", "refusal/4", "refusal/5"}))
      << run.text();
  EXPECT_EQ(run.summary.warned, 0u) << run.text();
}

TEST(BrokenClient, WaitsForeverHangsWhereverTheServerWaitsForItsHalfClose) {
  SuiteRun run = run_fixture("waits-forever");
  ASSERT_TRUE(run.ran) << run.error.message;
  EXPECT_EQ(run.with(Verdict::kFail),
            (std::set<std::string>{"exchange/1", "exchange/2", "greeting/1", "greeting/2", "greeting/3", "replies/1",
                                   "replies/2", "replies/3", "replies/4"}))
      << run.text();
  // SHOULD cases it fails the same way only warn.
  EXPECT_EQ(run.with(Verdict::kWarn), (std::set<std::string>{"exchange/3", "exchange/4", "exchange/5"}))
      << run.text();
  EXPECT_NE(run.reports.at("exchange/1").find("did not end on its own"), std::string::npos) << run.text();
  // A server that closes first ends its wait: that case passes.
  EXPECT_EQ(run.verdicts.at("close/6"), Verdict::kPass) << run.text();
}

TEST(BrokenClient, SingleReadGreetingFailsTheSplitGreetings) {
  SuiteRun run = run_fixture("single-read-greeting");
  ASSERT_TRUE(run.ran) << run.error.message;
  EXPECT_EQ(run.with(Verdict::kFail), (std::set<std::string>{"greeting/1", "greeting/2"})) << run.text();
  EXPECT_EQ(run.summary.warned, 0u) << run.text();
}

TEST(BrokenClient, ACommandThatCannotRunIsAnErrorNotAReport) {
  SuiteRun run = run_client_suite_on("/nonexistent/client {host} {port}");
  ASSERT_FALSE(run.ran);
  EXPECT_EQ(run.error.kind, ErrorKind::kUnreachable) << run.error.message;
  EXPECT_NE(run.error.message.find("exit 127"), std::string::npos) << run.error.message;
  EXPECT_TRUE(run.verdicts.empty());
}

TEST(BrokenClient, AClientThatNeverConnectsFailsWithoutHanging) {
  SuiteOptions options;
  options.timeout = std::chrono::milliseconds(300);  // a bound of 450 ms: nothing to wait for
  options.cases = {"exchange/1", "greeting/4"};
  SuiteRun run = run_client_suite_on("sleep 30 # {port}", options);
  ASSERT_TRUE(run.ran) << run.error.message;
  EXPECT_EQ(run.with(Verdict::kFail), (std::set<std::string>{"exchange/1", "greeting/4"})) << run.text();
  EXPECT_NE(run.reports.at("exchange/1").find("never connected"), std::string::npos) << run.text();
}

}  // namespace
}  // namespace linespec::conformance::testing
