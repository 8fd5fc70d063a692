// Runs a libFuzzer binary for a test, bounded in time: the flags of the target's
// .options file (its dictionary found in fuzz/), a fresh writable corpus
// directory, crash files under a given prefix. Built on the harness's ChildProcess;
// one thread at a time.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"

namespace linespec::fuzz::testing {

inline const std::filesystem::path kFuzzSourceDir = std::filesystem::path(LINESPEC_SOURCE_DIR) / "fuzz";

// A fresh directory under $TMPDIR (or /tmp), removed with the object.
class TempDir {
 public:
  TempDir() {
    const char* base = ::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/linespec-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// "-key=value" for each "key = value" line of fuzz/<target>_fuzzer.options; the
// dictionary, named relative to the options file, becomes an absolute path.
inline std::vector<std::string> options_flags(const std::string& target) {
  std::vector<std::string> flags;
  std::ifstream in(kFuzzSourceDir / (target + "_fuzzer.options"));
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (line.empty() || line.front() == '[' || line.front() == '#' || eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t\r") + 1);
      return s;
    };
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (key == "dict") value = (kFuzzSourceDir / value).string();
    flags.push_back("-" + key + "=" + value);
  }
  return flags;
}

struct FuzzerRun {
  harness::ExitStatus status;
  bool finished = false;   // false: killed after the time bound
  std::string error;       // could not start
  std::string output;      // the tail of what the fuzzer printed (stderr)
  std::vector<std::filesystem::path> crashes;  // crash-*, leak-*, timeout-* files written
};

// Runs `binary` with the target's options, then `flags`, then the corpus
// directories (the first one receives new inputs). Crash files go to
// `artifact_dir`.
inline FuzzerRun run_fuzzer(const std::string& binary, const std::string& target,
                            const std::vector<std::string>& flags,
                            const std::filesystem::path& artifact_dir,
                            const std::vector<std::filesystem::path>& corpus_dirs,
                            std::chrono::seconds bound) {
  std::vector<std::string> argv{binary};
  for (auto& flag : options_flags(target)) argv.push_back(flag);
  for (auto& flag : flags) argv.push_back(flag);
  argv.push_back("-artifact_prefix=" + artifact_dir.string() + "/");
  for (auto& dir : corpus_dirs) argv.push_back(dir.string());

  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kNull;
  options.stderr_mode = harness::StreamMode::kCapture;
  FuzzerRun run;
  auto child = harness::ChildProcess::start(harness::Command::program(argv), options);
  if (!child) {
    run.error = child.error().message;
    return run;
  }
  auto status = child->wait(bound);
  run.finished = status.ok();
  run.status = status ? *status : child->stop();
  run.output = child->captured_stderr(8192);
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(artifact_dir, ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("crash-", 0) == 0 || name.rfind("leak-", 0) == 0 || name.rfind("timeout-", 0) == 0 ||
        name.rfind("oom-", 0) == 0) {
      run.crashes.push_back(entry.path());
    }
  }
  return run;
}

}  // namespace linespec::fuzz::testing
