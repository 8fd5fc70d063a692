// The suite catches the bug of each broken fixture server (tests/fixtures): the
// whole suite runs (with its default --jobs) and the cases the bug breaks are
// among the failures, each with its evidence and replay command; the valid
// fixtures fail nothing. Each hostile fixture's run also shows that failing cases
// end as soon as their verdict is certain: the run stays well under its bound.
#include <gtest/gtest.h>

#include <chrono>
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
  std::vector<std::string> only = {};  // run only these cases or sections (empty: all)
};

// gtest prints a parameter in test names and failures: the fixture's name says it.
void PrintTo(const FixtureBug& bug, std::ostream* out) { *out << bug.fixture; }

std::string test_name(const std::string& fixture) {
  std::string name;
  for (char c : fixture) name += c == '-' ? '_' : c;
  return name;
}

harness::Target start_fixture(std::optional<harness::SpawnedServer>& server, const std::string& fixture,
                              std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), std::string(LINESPEC_FIXTURE_DIR) + "/fixture-" + fixture);
  auto started = harness::spawn_server(harness::Command::program(flags));
  EXPECT_TRUE(started) << started.error().message;
  if (!started) return {};
  server.emplace(std::move(*started));
  return harness::Target::from_address(server->address());
}

// Every failure carries what was sent, expected and received, and a replay.
void expect_evidence_on_failures(const SuiteRun& run) {
  for (const CaseResult& r : run.results) {
    if (r.verdict != Verdict::kFail) continue;
    EXPECT_TRUE(r.outcome.has_evidence) << r.test_case->id << ": " << r.outcome.message;
    EXPECT_EQ(r.replay.rfind("linespec run ", 0), 0u) << r.test_case->id;
    EXPECT_FALSE(r.outcome.message.empty()) << r.test_case->id;
  }
}

class FixtureSuite : public ::testing::TestWithParam<FixtureBug> {};

TEST_P(FixtureSuite, FailsTheCasesItsBugBreaks) {
  const FixtureBug& bug = GetParam();
  std::optional<harness::SpawnedServer> server;
  harness::Target target = start_fixture(server, bug.fixture);
  ASSERT_FALSE(HasFailure());
  auto start = std::chrono::steady_clock::now();
  SuiteRun run = run_core_suite(target, Profile{}, bug.only);
  auto took = std::chrono::steady_clock::now() - start;
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
  expect_evidence_on_failures(run);
  // Timeouts do not add up: at most about one inactivity timeout per case, spread
  // over the jobs (the bound leaves room for a loaded machine).
  EXPECT_LT(took, std::chrono::seconds(30));
  if (HasFailure()) std::cout << run.report;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, FixtureSuite,
    ::testing::Values(
        FixtureBug{"correct", {}},
        FixtureBug{"each-read-is-a-record", {"framing/2", "framing/3", "framing/12", "framing/13", "replies/9"}},
        FixtureBug{"first-record-only", {"framing/2", "framing/28", "replies/2", "eof/5"}},
        FixtureBug{"drops-final-fragment", {"eof/1", "eof/9", "eof/10"}},
        // The server dies a moment after the first reset, and other cases run
        // meanwhile: which close/ case sees it first depends on timing.
        FixtureBug{"dies-on-reset", {"close"}},
        FixtureBug{"mixes-connections", {"concurrency/3", "concurrency/8"}},
        FixtureBug{"wrong-split-length", {"framing/14", "framing/18", "robustness/1"}},
        FixtureBug{"lf-only", {"framing/4", "framing/30"}},
        FixtureBug{"no-greeting", {"greeting/1", "greeting/2", "framing/1"}},
        FixtureBug{"late-greeting", {"greeting/1", "greeting/2", "eof/12"}},
        FixtureBug{"never-closes", {"eof/3", "eof/4", "eof/13"}},
        // 64 descriptors, one leaked per connection: the 2000 clients in a row run out.
        FixtureBug{"leaks-fd", {"robustness/10"}},
        FixtureBug{"leaks-fd", {"robustness/10"}, {"robustness/10"}},
        // Hostile servers: each case gets a verdict, none hangs.
        FixtureBug{"silent", {"greeting/1", "framing/1", "eof/3"}},
        FixtureBug{"greet-then-silent", {"greeting/2", "framing/1", "replies/3", "eof/1"}},
        FixtureBug{"flood", {"greeting/2", "framing/1", "replies/9"}},
        FixtureBug{"endless-line", {"greeting/1", "framing/1"}},
        FixtureBug{"close-at-once", {"greeting/1", "framing/1"}},
        FixtureBug{"reset-at-once", {"greeting/1", "framing/1"}},
        FixtureBug{"never-reads", {"framing/1", "replies/3"}},
        FixtureBug{"exits-at-once", {"greeting/1", "framing/1"}}),
    [](const ::testing::TestParamInfo<FixtureBug>& info) {
      return test_name(info.param.fixture) + (info.param.only.empty() ? "" : "_alone");
    });

TEST(SequentialFixture, ConcurrencyCasesAreNotApplicableAndNothingFails) {
  std::optional<harness::SpawnedServer> server;
  harness::Target target = start_fixture(server, "sequential");
  ASSERT_FALSE(HasFailure());
  SuiteRun run = run_core_suite(target, Profile{});
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(run.jobs, 1u);  // measured: one client at a time, so one case at a time
  EXPECT_EQ(run.count(Verdict::kFail), 0u);
  EXPECT_EQ(run.verdict("concurrency/1"), Verdict::kNotApplicable);
  EXPECT_EQ(run.verdict("concurrency/10"), Verdict::kNotApplicable);
  EXPECT_EQ(run.verdict("concurrency/4"), Verdict::kPass);
  EXPECT_EQ(run.verdict("robustness/10"), Verdict::kPass);
  if (HasFailure()) std::cout << run.report;
}

// A correct server that waits 100 ms before each reply passes: no case depends on
// replies arriving quickly. Cases that exchange hundreds of records would take
// minutes at 100 ms a reply, so they are left out; they are about volume, and
// the reference server passes them.
TEST(SlowCorrectFixture, PassesEveryCaseThatFitsItsPace) {
  std::optional<harness::SpawnedServer> server;
  harness::Target target = start_fixture(server, "slow-correct", {"--delay-ms", "100"});
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> volume = {"framing/12", "framing/28", "replies/2", "replies/9", "replies/11",
                                     "eof/5",      "eof/8",      "robustness/1", "robustness/3",
                                     "robustness/4", "robustness/7", "robustness/10"};
  SuiteRun run = run_core_suite(target, Profile{}, every_case_but(volume));
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(run.count(Verdict::kFail), 0u);
  EXPECT_EQ(run.count(Verdict::kWarn), 0u);
  EXPECT_GE(run.count(Verdict::kPass), 60u);
  if (HasFailure()) std::cout << run.report;
}

}  // namespace
}  // namespace linespec::conformance::testing
