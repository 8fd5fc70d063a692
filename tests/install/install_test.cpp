// Installs the build tree with `cmake --install` into a fresh temporary prefix, then
// checks what a user of the package gets: a consumer project that configures with
// find_package(linespec CONFIG) and runs, programs that answer --version, documents.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh, its output captured to a file in `dir`.
CommandResult run(const std::string& command, const fs::path& dir) {
  fs::path log = dir / "command.log";
  std::string line = command + " >'" + log.string() + "' 2>&1 </dev/null";
  int status = std::system(line.c_str());
  CommandResult result;
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  result.output = text.str();
  return result;
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

class InstalledPackage : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "linespec-install-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    prefix_ = dir_ / "prefix";
    CommandResult install = run(std::string("'") + LINESPEC_CMAKE_COMMAND + "' --install '" +
                                    LINESPEC_BUILD_DIR + "' --prefix " + quoted(prefix_),
                                dir_);
    ASSERT_EQ(install.exit_code, 0) << "cmake --install failed (is the whole build up to date?):\n"
                                    << install.output;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  fs::path dir_;
  fs::path prefix_;
};

TEST_F(InstalledPackage, ConsumerProjectBuildsAndRunsAgainstIt) {
  fs::path build = dir_ / "consumer-build";
  std::string configure = std::string("'") + LINESPEC_CMAKE_COMMAND + "' -S '" + LINESPEC_SOURCE_DIR +
                          "/tests/install/consumer' -B " + quoted(build) + " -G '" +
                          LINESPEC_CMAKE_GENERATOR + "' -DCMAKE_CXX_COMPILER='" + LINESPEC_CXX_COMPILER +
                          "' -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH=" + quoted(prefix_) +
                          " '-DCMAKE_EXE_LINKER_FLAGS=" + LINESPEC_CONSUMER_LINK_FLAGS + "'";
  CommandResult configured = run(configure, dir_);
  ASSERT_EQ(configured.exit_code, 0) << configure << "\n" << configured.output;

  CommandResult built = run(std::string("'") + LINESPEC_CMAKE_COMMAND + "' --build " + quoted(build), dir_);
  ASSERT_EQ(built.exit_code, 0) << built.output;

  CommandResult ran = run(quoted(build / "consumer"), dir_);
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("ok model owes greeting and 3 acks"), std::string::npos) << ran.output;
  EXPECT_EQ(ran.output.find("FAILED"), std::string::npos) << ran.output;
}

TEST_F(InstalledPackage, ProgramsReportTheProjectVersion) {
  for (const char* program : {"linespec", "linespec-server", "linespec-client"}) {
    fs::path path = prefix_ / "bin" / program;
    ASSERT_TRUE(fs::exists(path)) << path << " was not installed";
    CommandResult version = run(quoted(path) + " --version", dir_);
    EXPECT_EQ(version.exit_code, 0) << program << ": " << version.output;
    EXPECT_NE(version.output.find(LINESPEC_PROJECT_VERSION), std::string::npos) << program << ": " << version.output;
  }
}

TEST_F(InstalledPackage, HoldsHeadersPackageFilesAndSpecifications) {
  for (const char* file : {"include/linespec/protocol/profile.hpp", "include/linespec/harness/model.hpp",
                           "include/linespec/harness/session.hpp", "lib/cmake/linespec/linespecConfig.cmake",
                           "lib/cmake/linespec/linespecConfigVersion.cmake", "share/doc/linespec/SPEC.md",
                           "share/doc/linespec/SCRIPTS.md"}) {
    EXPECT_TRUE(fs::exists(prefix_ / file)) << file << " was not installed";
  }
  if (LINESPEC_HAS_FUZZ_DRIVER) {
    EXPECT_TRUE(fs::exists(prefix_ / "include/linespec/fuzz/driver.hpp"));
    std::ifstream targets(prefix_ / "lib/cmake/linespec/linespecTargets.cmake");
    std::stringstream text;
    text << targets.rdbuf();
    EXPECT_NE(text.str().find("linespec::fuzz_driver"), std::string::npos) << "linespec::fuzz_driver not exported";
  }
}

}  // namespace
