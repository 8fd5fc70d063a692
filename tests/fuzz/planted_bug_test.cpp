// The framer differential target catches a real framing bug: framer_planted_fuzzer
// is framer_fuzzer linked against a framer whose size limit lets one byte too many
// into a record split across reads (fuzz/planted/framer_off_by_one.cpp). From an
// empty corpus, with a fixed seed and a bounded number of runs, libFuzzer must
// stop with a FUZZ_CHECK failure and write the crash file.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fuzzer_run.hpp"

namespace linespec::fuzz::testing {
namespace {

TEST(PlantedBug, FramerTargetFindsAnOffByOneAtTheSizeLimit) {
  TempDir corpus;
  TempDir artifacts;
  ASSERT_TRUE(corpus.ok() && artifacts.ok());
  FuzzerRun run = run_fuzzer(std::string(LINESPEC_FUZZER_BIN_DIR) + "/framer_planted_fuzzer", "framer",
                             {"-seed=1", "-runs=2000000", "-max_total_time=60"}, artifacts.path(),
                             {corpus.path()}, std::chrono::seconds(120));
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_TRUE(run.finished) << "framer_planted_fuzzer ran past its time bound\n" << run.output;
  EXPECT_FALSE(run.status.success()) << "the planted bug was not found\n" << run.output;
  EXPECT_EQ(run.crashes.size(), 1u) << run.output;
  EXPECT_NE(run.output.find("FUZZ_CHECK"), std::string::npos)
      << "the run did not stop at a FUZZ_CHECK failure\n" << run.output;
}

}  // namespace
}  // namespace linespec::fuzz::testing
