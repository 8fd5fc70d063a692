// The fuzz driver finds a real handler bug: from an empty corpus, with a fixed seed
// and a bounded number of runs, libFuzzer must stop buggy_handler_fuzzer (the
// example handler ending a record at every read) at the driver's report and write
// the crash file, and fixed_handler_fuzzer must run clean for the same budget.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "fuzzer_run.hpp"

namespace linespec::fuzz::testing {
namespace {

const std::vector<std::string> kBudget{"-seed=1", "-runs=100000", "-max_total_time=60"};

FuzzerRun run_example(const std::string& name, const TempDir& corpus, const TempDir& artifacts) {
  return run_fuzzer(std::string(LINESPEC_FUZZER_BIN_DIR) + "/" + name + "_fuzzer", name, kBudget,
                    artifacts.path(), {corpus.path()}, std::chrono::seconds(120));
}

TEST(FuzzDriverExamples, FindsThePlantedFramingBug) {
  TempDir corpus;
  TempDir artifacts;
  ASSERT_TRUE(corpus.ok() && artifacts.ok());
  const FuzzerRun run = run_example("buggy_handler", corpus, artifacts);
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_TRUE(run.finished) << "buggy_handler_fuzzer ran past its time bound\n" << run.output;
  EXPECT_FALSE(run.status.success()) << "the planted bug was not found\n" << run.output;
  EXPECT_EQ(run.crashes.size(), 1u) << run.output;
  EXPECT_NE(run.output.find("linespec fuzz driver: wrong replies"), std::string::npos)
      << "the run did not stop at the driver's check\n" << run.output;
}

TEST(FuzzDriverExamples, FixedHandlerRunsCleanForTheSameBudget) {
  TempDir corpus;
  TempDir artifacts;
  ASSERT_TRUE(corpus.ok() && artifacts.ok());
  const FuzzerRun run = run_example("fixed_handler", corpus, artifacts);
  ASSERT_TRUE(run.error.empty()) << run.error;
  ASSERT_TRUE(run.finished) << "fixed_handler_fuzzer ran past its time bound\n" << run.output;
  EXPECT_TRUE(run.status.success()) << run.output;
  EXPECT_TRUE(run.crashes.empty()) << run.output;
  EXPECT_NE(run.output.find("Done 100000 runs"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace linespec::fuzz::testing
