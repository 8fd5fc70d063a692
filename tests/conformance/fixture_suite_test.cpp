// The suite catches the bug of each broken fixture server (tests/fixtures): the
// cases its bug breaks FAIL, and a correct fixture fails nothing. Only fixtures
// that answer quickly; the slow and hostile ones belong to slower suites.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"
#include "suite_runner.hpp"

namespace linespec::conformance::testing {
namespace {

struct FixtureBug {
  std::string fixture;
  // These cases FAIL; a section name: at least one case of that section FAILs.
  std::vector<std::string> failing;
  std::vector<std::string> only;     // run only these cases or sections (empty: all)
};

class FixtureSuite : public ::testing::TestWithParam<FixtureBug> {};

TEST_P(FixtureSuite, FailsTheCasesItsBugBreaks) {
  const FixtureBug& bug = GetParam();
  auto server = harness::spawn_server(
      harness::Command::program({std::string(LINESPEC_FIXTURE_DIR) + "/fixture-" + bug.fixture}));
  ASSERT_TRUE(server) << server.error().message;
  SuiteRun run = run_core_suite(harness::Target::from_address(server->address()), Profile{}, bug.only);
  ASSERT_FALSE(run.error) << run.error->message;
  for (const std::string& id : bug.failing) {
    if (id.find('/') != std::string::npos) {
      EXPECT_EQ(run.verdict(id), Verdict::kFail) << id;
      continue;
    }
    bool section_failed = false;
    for (const CaseResult& r : run.results) {
      section_failed |= r.test_case->section() == id && r.verdict == Verdict::kFail;
    }
    EXPECT_TRUE(section_failed) << "no case of section " << id << " failed";
  }
  if (bug.failing.empty()) {
    EXPECT_EQ(run.count(Verdict::kFail), 0u);
    EXPECT_EQ(run.count(Verdict::kWarn), 0u);
  }
  if (HasFailure()) std::cout << run.report;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, FixtureSuite,
    ::testing::Values(FixtureBug{"correct", {}, {}},
                      FixtureBug{"each-read-is-a-record", {"framing/2", "framing/3", "framing/8"}, {}},
                      FixtureBug{"first-record-only", {"framing/2", "replies/2"}, {}},
                      FixtureBug{"drops-final-fragment", {"eof/1"}, {}},
                      // The server dies a moment after the reset, so the client right
                      // after it may still be served: some close/ case fails.
                      FixtureBug{"dies-on-reset", {"close"}, {}},
                      FixtureBug{"mixes-connections", {"concurrency/3"}, {}},
                      FixtureBug{"wrong-split-length", {"framing/8"}, {}},
                      FixtureBug{"lf-only", {"framing/4"}, {}},
                      // Each case waits out the inactivity timeout for its late greeting.
                      FixtureBug{"late-greeting", {"greeting/1"}, {"greeting"}}),
    [](const ::testing::TestParamInfo<FixtureBug>& info) {
      std::string name;
      for (char c : info.param.fixture) name += c == '-' ? '_' : c;
      return name;
    });

}  // namespace
}  // namespace linespec::conformance::testing
