// The suite fails exactly the cases a server's bug breaks, with evidence and a
// replay command (fixture_suite_test.cpp does the same for the fixture servers).
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "broken_server.hpp"
#include "linespec/harness/process.hpp"
#include "suite_runner.hpp"

namespace linespec::conformance::testing {
namespace {

harness::Target target_of(const std::string& text) {
  auto target = harness::parse_target(text);
  EXPECT_TRUE(target) << text;
  return target ? *target : harness::Target{};
}

TEST(BrokenServerSuite, AnswerPerReadFailsTheSplitAndBatchedCases) {
  BrokenServer server(BrokenServer::Bug::kEachReadIsARecord);
  ASSERT_FALSE(server.target().empty());
  SuiteRun run = run_core_suite(target_of(server.target()), Profile{});
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(run.verdict("greeting/1"), Verdict::kPass);
  EXPECT_EQ(run.verdict("framing/1"), Verdict::kPass);  // one line in one write: one read
  EXPECT_EQ(run.verdict("framing/2"), Verdict::kFail);  // many lines in one write
  EXPECT_EQ(run.verdict("framing/3"), Verdict::kFail);  // one line byte by byte
  EXPECT_EQ(run.verdict("framing/4"), Verdict::kFail);  // x\r\n is two records
  if (HasFailure()) std::cout << run.report;
}

TEST(BrokenServerSuite, FailureShowsSentExpectedReceivedAndReplay) {
  BrokenServer server(BrokenServer::Bug::kEachReadIsARecord);
  ASSERT_FALSE(server.target().empty());
  SuiteRun run = run_core_suite(target_of(server.target()), Profile{}, {"framing/3"});
  ASSERT_FALSE(run.error) << run.error->message;
  ASSERT_EQ(run.results.size(), 1u);
  const Outcome& outcome = run.results[0].outcome;
  EXPECT_EQ(run.results[0].verdict, Verdict::kFail);
  EXPECT_EQ(outcome.message, "231 bytes more than expected arrived: 13 replies instead of 2");
  EXPECT_EQ(outcome.sent.rfind("\"SOME DATA\\nxy\\n\" in 13 chunks of 1 byte, then half-close (delivery: ", 0), 0u)
      << outcome.sent;
  EXPECT_EQ(outcome.expected, "\"connect\\nInformation Received\\nInformation Received\\n\", then the server closes "
                              "the connection");
  EXPECT_EQ(outcome.received, "\"connect\\n\" \"Information Received\\n\" \u00d7 13, then the server closed the connection");

  std::string expected_block = "\u00d7 framing/3  FRAME-2  a line split byte by byte\n";
  EXPECT_NE(run.report.find(expected_block), std::string::npos) << run.report;
  EXPECT_NE(run.report.find("    sent:     \"SOME DATA"), std::string::npos) << run.report;
  EXPECT_NE(run.report.find("    expected: \"connect\\n"), std::string::npos) << run.report;
  EXPECT_NE(run.report.find("    received: \"connect\\n"), std::string::npos) << run.report;
  EXPECT_NE(run.report.find("    replay:   linespec run " + server.target() + " --profile seed --case framing/3\n"),
            std::string::npos)
      << run.report;
  EXPECT_TRUE(run.report.ends_with("\n0 passed, 1 failed\n")) << run.report;
}

TEST(BrokenServerSuite, MissingGreetingFailsTheGreetingCase) {
  BrokenServer server(BrokenServer::Bug::kNoGreeting);
  ASSERT_FALSE(server.target().empty());
  SuiteRun run = run_core_suite(target_of(server.target()), Profile{}, {"greeting", "framing/1"});
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(run.verdict("greeting/1"), Verdict::kFail);
  EXPECT_EQ(run.verdict("greeting/4"), Verdict::kNotApplicable);  // only without a greeting
  EXPECT_EQ(run.verdict("framing/1"), Verdict::kFail);
  if (HasFailure()) std::cout << run.report;
}

TEST(BrokenServerSuite, TheSameServerPassesAProfileWithoutGreeting) {
  BrokenServer server(BrokenServer::Bug::kNoGreeting);
  ASSERT_FALSE(server.target().empty());
  Profile silent;
  silent.name = "silent";
  silent.greeting.reset();
  SuiteRun run = run_core_suite(target_of(server.target()), silent, {"greeting", "framing"});
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(run.verdict("greeting/1"), Verdict::kNotApplicable);
  EXPECT_EQ(run.verdict("greeting/4"), Verdict::kPass);
  EXPECT_EQ(run.count(Verdict::kFail), 0u);
  if (HasFailure()) std::cout << run.report;
}

TEST(UnreachableTarget, IsAnErrorNotAFailedSuite) {
  auto port = harness::pick_free_loopback_port();
  ASSERT_TRUE(port) << port.error().message;
  SuiteRun run = run_core_suite(target_of("tcp:127.0.0.1:" + std::to_string(*port)), Profile{});
  ASSERT_TRUE(run.error);
  EXPECT_EQ(run.error->kind, ErrorKind::kUnreachable);
  EXPECT_TRUE(run.results.empty());
}

}  // namespace
}  // namespace linespec::conformance::testing
