// linespec-bench against the reference server under every built-in profile (its expectations
// match a correct server) and against broken fixtures (a missing reply fails the run, exit 1).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench_run.hpp"

namespace linespec::bench {
namespace {

#if defined(LINESPEC_BENCH_TEST_SERVER)
class BenchReferenceServer : public ::testing::TestWithParam<const char*> {};

TEST_P(BenchReferenceServer, EveryReplyMatchesTheProfile) {
  const std::string profile = GetParam();
  auto server = harness::spawn_server(harness::Command::program(
      {kBinDir + "/linespec-server", "--listen", "tcp:127.0.0.1:0", "--profile", profile}));
  ASSERT_TRUE(server) << server.error().message;
  Finished r = run_program({kBinDir + "/linespec-bench", server->address().to_string(), "--profile", profile,
                            "--connections", "4", "--depth", "8", "--seconds", "0.3", "--warmup", "0.05"});
  EXPECT_EQ(r.status.code, 0) << r.status.to_string() << "\n" << r.err;
  EXPECT_NE(r.out.find("records/s"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Profiles, BenchReferenceServer, ::testing::Values("seed", "lf", "echo", "stream"));
#endif

#if defined(LINESPEC_BENCH_TEST_FIXTURES)
// `timeout_ms` short where the reply must never come, the default where it must.
Finished bench_fixture(const std::string& fixture, const std::string& timeout_ms) {
  auto server = harness::spawn_server(
      harness::Command::program({kFixtureDir + "/fixture-" + fixture, "--listen", "tcp:127.0.0.1:0"}));
  if (!server) {
    ADD_FAILURE() << server.error().message;
    return {};
  }
  return run_program({kBinDir + "/linespec-bench", server->address().to_string(), "--connections", "2", "--depth",
                      "4", "--seconds", "0.3", "--warmup", "0.05", "--timeout", timeout_ms});
}

TEST(BenchFixtures, ACorrectSeedServerGivesFigures) {
  Finished r = bench_fixture("correct", "5000");
  EXPECT_EQ(r.status.code, 0) << r.status.to_string() << "\n" << r.err;
  EXPECT_NE(r.out.find("records/s"), std::string::npos) << r.out;
}

TEST(BenchFixtures, AServerThatGreetsThenNeverAnswersFailsNamingTheMissingReplies) {
  Finished r = bench_fixture("greet-then-silent", "300");
  EXPECT_EQ(r.status.code, 1) << r.status.to_string() << "\n" << r.err;
  EXPECT_NE(r.err.find("no reply for 300 ms while replies to 4 records are owed"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(BenchFixtures, AServerThatAnswersOneRecordPerReadFails) {
  // Four records go out in one write: one reply comes back, three never do.
  Finished r = bench_fixture("first-record-only", "300");
  EXPECT_EQ(r.status.code, 1) << r.status.to_string() << "\n" << r.err;
  EXPECT_NE(r.err.find("no reply for 300 ms"), std::string::npos) << r.err;
}
#endif

}  // namespace
}  // namespace linespec::bench
