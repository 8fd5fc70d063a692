// Runs the client suite in-process against a client command and keeps each case's
// verdict, for tests that assert which cases pass and fail. Test helper; one thread.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "linespec/conformance/client/runner.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::conformance::testing {

inline const std::string kBinDir = LINESPEC_BIN_DIR;
inline const std::string kFixtureDir = LINESPEC_FIXTURE_DIR;
inline const std::string kSourceDir = LINESPEC_SOURCE_DIR;

struct SuiteRun {
  bool ran = false;                         // false: run_client_suite returned an error
  Error error;                              // when !ran
  std::map<std::string, Verdict> verdicts;  // case id -> verdict
  std::map<std::string, std::string> reports;  // case id -> message and evidence
  RunSummary summary;

  std::set<std::string> with(Verdict verdict) const;
  // Every case id with its verdict and, for the rest, the evidence: for failure messages.
  std::string text() const;
};

struct SuiteOptions {
  std::string profile = "seed";
  std::chrono::milliseconds timeout{2000};
  bool stdio = false;
  std::vector<std::string> cases;  // empty: all
  std::size_t jobs = 4;
};

SuiteRun run_client_suite_on(const std::string& command, const SuiteOptions& options = {});

// Every client case id.
std::set<std::string> all_case_ids();

// The Python interpreter that `python3` on the PATH runs in the end (version managers
// put a shell script or two in front of it, which would start with every case), or
// "python3" when it cannot be found.
std::string python_interpreter();

}  // namespace linespec::conformance::testing
