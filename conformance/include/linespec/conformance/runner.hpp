// Runs the selected cases against one target and hands each result, in case order,
// to a ResultSink (console, JUnit, JSON). With jobs > 1, worker threads run cases at
// once, each with its own connections and CaseContext; exclusive cases run alone. The
// calling thread calls the sink. The runner never prints.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/case.hpp"
#include "linespec/conformance/case_session.hpp"
#include "linespec/conformance/context.hpp"
#include "linespec/conformance/outcome.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

struct CaseResult {
  const Case* test_case = nullptr;
  // The outcome's, after the case level applied (a violated SHOULD warns) and the
  // known failures (XFAIL, XPASS).
  Verdict verdict = Verdict::kPass;
  Outcome outcome;
  std::string replay;  // the command that replays this case
  std::chrono::microseconds elapsed{0};
  CaseRecording recording;  // its replay script and transcripts
};

struct RunSummary {
  std::size_t passed = 0;    // PASS and INFO
  std::size_t failed = 0;    // FAIL
  std::size_t warned = 0;    // WARN
  std::size_t skipped = 0;   // N/A
  std::size_t xfailed = 0;   // XFAIL: failed, as listed
  std::size_t xpassed = 0;   // XPASS: passed, though listed as a known failure
  bool strict = false;       // WARN fails the run too
  std::chrono::microseconds elapsed{0};
  // Set when RunOptions::stop ended the run early: the counts are those of the
  // `ran` cases that finished, out of `total` selected.
  bool interrupted = false;
  std::size_t ran = 0;
  std::size_t total = 0;

  void count(Verdict verdict);
  // True when `linespec run` exits 0: no FAIL and no XPASS (and no WARN if strict).
  // An interrupted run is judged by main() (exit 130), not here.
  bool ok() const { return failed == 0 && xpassed == 0 && (!strict || warned == 0); }
};

// Cases run at once unless --jobs says otherwise: more than the cores, since most
// of a case's time is spent waiting for the server.
inline constexpr std::size_t kDefaultJobs = 16;

struct RunOptions {
  // Cases run at once. run_suite() lowers it to 1 for a sequential server (by the
  // profile or measured) and to capacity / (2 × kConnectionsPerCase) for a known
  // capacity.
  std::size_t jobs = 1;
  bool strict = false;  // a violated SHOULD fails the run
  // Case ids of known failures (--expect): a failure becomes XFAIL, a pass XPASS.
  std::set<std::string> expected_failures;
  // Cancellation, owned by the caller (main() sets it from a signal handler): once
  // true, no new case starts, the cases already running finish (each bounded by its
  // timeout), the sink gets their results and on_finish() with `interrupted` set.
  // Read with relaxed loads from any thread; null means the run cannot be stopped.
  const std::atomic<bool>* stop = nullptr;

  bool stop_requested() const { return stop != nullptr && stop->load(std::memory_order_relaxed); }
};

// Connections one ordinary case holds open at most; with a known capacity, jobs
// are limited so that the suite itself never fills the server.
inline constexpr std::size_t kConnectionsPerCase = 4;

// What the sink learns before the first result.
struct RunStart {
  const SuiteConfig& config;
  const std::vector<const Case*>& cases;
  std::size_t jobs = 1;   // as run, after run_suite() lowered it
  std::string jobs_note;  // why it was lowered, empty if not
  bool strict = false;
  std::string_view spec_version = kSpecVersion;  // of the spec the cases come from
};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void on_start(const RunStart& start) = 0;
  virtual void on_result(const CaseResult& result) = 0;
  virtual void on_finish(const RunSummary& summary) = 0;
};

// The verdict a case's outcome gets at its level (a violated SHOULD warns), then
// with the known failures: listed and failing (FAIL, or WARN when strict) is
// XFAIL, listed and passing is XPASS.
Verdict final_verdict(const Outcome& outcome, Level level, bool listed, bool strict);

// Runs one case; a body that throws is a FAIL naming the exception.
CaseResult run_case(const Case& test_case, const SuiteConfig& config, TargetFacts& facts,
                    const RunOptions& options = {});

// Checks that the target can be reached (one connection, closed at once), then
// runs `cases`. Errors: kUnreachable when the first connection fails; kUsage for
// jobs = 0. Case failures are results, not errors.
Result<RunSummary> run_suite(const std::vector<const Case*>& cases, const SuiteConfig& config,
                             const RunOptions& options, ResultSink& sink);

}  // namespace linespec::conformance
