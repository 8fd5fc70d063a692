// No case is flaky: 20 runs in a row of the whole suite, with its default --jobs,
// against the reference server give the same verdict for every case. Labelled
// slow: it takes about 20 suite runs.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "linespec/harness/process.hpp"
#include "suite_runner.hpp"

namespace linespec::conformance::testing {
namespace {

constexpr int kRuns = 20;

class SameVerdicts : public ::testing::TestWithParam<std::string> {};

TEST_P(SameVerdicts, TwentyRunsInARowAgree) {
  const std::string& profile_name = GetParam();
  auto server = harness::spawn_server(harness::Command::program(
      {std::string(LINESPEC_BIN_DIR) + "/linespec-server", "--listen", "tcp:127.0.0.1:0", "--profile", profile_name}));
  ASSERT_TRUE(server) << server.error().message;
  harness::Target target = harness::Target::from_address(server->address());
  Profile profile = *builtin_profile(profile_name);
  SuiteRun first = run_core_suite(target, profile);
  ASSERT_FALSE(first.error) << first.error->message;
  EXPECT_EQ(first.count(Verdict::kFail), 0u) << first.report;
  EXPECT_EQ(first.count(Verdict::kWarn), 0u) << first.report;
  for (int i = 1; i < kRuns; ++i) {
    SuiteRun again = run_core_suite(target, profile);
    ASSERT_FALSE(again.error) << again.error->message;
    ASSERT_EQ(again.verdicts(), first.verdicts()) << "run " << i + 1 << " of " << kRuns << ":\n" << again.report;
  }
}

INSTANTIATE_TEST_SUITE_P(Reference, SameVerdicts, ::testing::Values("seed", "echo"));

}  // namespace
}  // namespace linespec::conformance::testing
