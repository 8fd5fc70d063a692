// fuzz/build.sh builds what OSS-Fuzz and ClusterFuzzLite expect: with the
// environment they set (clang, libc++, ASan, libFuzzer), every target lands in
// $OUT with its options, dictionary and seed corpus zip, and runs an input; the
// examples of fuzz/examples/ (the driver for users' own handlers) land there too,
// built the same way: the fixed handler fuzzes clean, the buggy one is caught.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzzer_run.hpp"
#include "linespec/harness/process.hpp"

namespace linespec::fuzz::testing {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// OSS-Fuzz's libFuzzer carries its own C++ library; Debian's (libclang-rt-14-dev)
// needs libstdc++ next to the targets' libc++. -Wl, keeps clang from turning
// -lstdc++ into -lc++.
constexpr const char* kEngine = "'-fsanitize=fuzzer -Wl,-lstdc++'";

TEST(OssFuzzBuild, BuildsEveryTargetWithLibcxxAndEachRunsASeed) {
  TempDir src, out, work;
  ASSERT_TRUE(src.ok() && out.ok() && work.ok());
  const std::string line =
      "CXX=" LINESPEC_FUZZ_CLANG " CXXFLAGS='-fsanitize=address,fuzzer-no-link -stdlib=libc++' "
      "LIB_FUZZING_ENGINE=" + std::string(kEngine) + " SRC=" + quoted(src.path()) + " OUT=" + quoted(out.path()) +
      " WORK=" + quoted(work.path()) + " " + quoted(kFuzzSourceDir / "build.sh");
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kNull;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto build = harness::ChildProcess::start(harness::Command::shell(line), options);
  ASSERT_TRUE(build.ok()) << build.error().message;
  auto status = build->wait(std::chrono::minutes(10));
  ASSERT_TRUE(status.ok()) << "fuzz/build.sh did not finish in time";
  ASSERT_TRUE(status->success()) << "fuzz/build.sh: " << status->to_string() << "\n"
                                 << build->captured_stderr();

  for (const std::string name : {"framer", "session", "wire", "script"}) {
    SCOPED_TRACE(name);
    const fs::path binary = out.path() / (name + "_fuzzer");
    EXPECT_TRUE(fs::is_regular_file(out.path() / (name + "_fuzzer.options")));
    EXPECT_GT(fs::file_size(out.path() / (name + "_fuzzer_seed_corpus.zip")), 0u);
    for (const std::string& flag : options_flags(name)) {
      if (flag.rfind("-dict=", 0) == 0) {
        EXPECT_TRUE(fs::is_regular_file(out.path() / fs::path(flag.substr(6)).filename())) << flag;
      }
    }
    ASSERT_TRUE(fs::is_regular_file(binary));
    // One seed input through the libc++ build.
    const fs::path seed = fs::directory_iterator(kFuzzSourceDir / "corpus" / name)->path();
    auto run = harness::ChildProcess::start(harness::Command::program({binary.string(), seed.string()}), options);
    ASSERT_TRUE(run.ok()) << run.error().message;
    auto ran = run->wait(std::chrono::seconds(60));
    ASSERT_TRUE(ran.ok()) << binary << " did not finish in time";
    const std::string output = run->captured_stderr();
    EXPECT_TRUE(ran->success()) << binary << " " << seed << ": " << ran->to_string() << "\n" << output;
    EXPECT_NE(output.find("Executed " + seed.string()), std::string::npos) << output;
  }

  // The examples have neither options nor seeds: libFuzzer starts from an empty
  // input, with a fixed seed and a bounded number of runs.
  for (const std::string name : {"fixed_handler", "buggy_handler"}) {
    SCOPED_TRACE(name);
    const fs::path binary = out.path() / (name + "_fuzzer");
    ASSERT_TRUE(fs::is_regular_file(binary));
    const std::string artifacts = (work.path() / (name + "-")).string();
    auto run = harness::ChildProcess::start(
        harness::Command::program({binary.string(), "-seed=1", "-runs=100000", "-max_total_time=60",
                                   "-artifact_prefix=" + artifacts}),
        options);
    ASSERT_TRUE(run.ok()) << run.error().message;
    auto ran = run->wait(std::chrono::seconds(120));
    ASSERT_TRUE(ran.ok()) << binary << " did not finish in time";
    const std::string output = run->captured_stderr();
    if (name == "fixed_handler") {
      EXPECT_TRUE(ran->success()) << binary << ": " << ran->to_string() << "\n" << output;
      EXPECT_NE(output.find("Done "), std::string::npos) << output;  // all runs, or the time bound
    } else {
      EXPECT_FALSE(ran->success()) << "the planted bug was not found\n" << output;
      EXPECT_NE(output.find("linespec fuzz driver: wrong replies"), std::string::npos) << output;
    }
  }
}

}  // namespace
}  // namespace linespec::fuzz::testing
