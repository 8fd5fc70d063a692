// fuzz-smoke: each libFuzzer target runs for a bounded time with a fixed seed,
// starting from its seed corpus, and must find nothing. A crash file stays in
// the build tree (the failure message names it) for scripts/fuzz-merge.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "fuzzer_run.hpp"

namespace linespec::fuzz::testing {
namespace {

void smoke(const std::string& target) {
  const std::filesystem::path artifacts = std::filesystem::path(LINESPEC_FUZZ_ARTIFACT_DIR) / target;
  std::error_code error;
  std::filesystem::remove_all(artifacts, error);
  std::filesystem::create_directories(artifacts, error);
  ASSERT_FALSE(error) << "cannot create " << artifacts << ": " << error.message();
  TempDir corpus;
  ASSERT_TRUE(corpus.ok());

  const int seconds = LINESPEC_FUZZ_SMOKE_SECONDS;
  FuzzerRun run = run_fuzzer(std::string(LINESPEC_FUZZER_BIN_DIR) + "/" + target + "_fuzzer", target,
                             {"-seed=1", "-runs=5000000", "-max_total_time=" + std::to_string(seconds)},
                             artifacts, {corpus.path(), kFuzzSourceDir / "corpus" / target},
                             std::chrono::seconds(seconds + 60));
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_TRUE(run.finished) << target << "_fuzzer ran past its time bound\n" << run.output;
  EXPECT_TRUE(run.status.success()) << target << "_fuzzer: " << run.status.to_string() << "\n" << run.output;
  for (const auto& crash : run.crashes) {
    ADD_FAILURE() << "found " << crash << "; keep it with: scripts/fuzz-merge " << target << " " << crash.string();
  }
}

TEST(FuzzSmoke, Framer) { smoke("framer"); }
TEST(FuzzSmoke, Session) { smoke("session"); }
TEST(FuzzSmoke, Wire) { smoke("wire"); }
TEST(FuzzSmoke, Script) { smoke("script"); }

}  // namespace
}  // namespace linespec::fuzz::testing
