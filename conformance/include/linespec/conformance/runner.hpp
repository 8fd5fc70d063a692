// Runs the selected cases against one target and hands each result, in case
// order, to a ResultSink (the console reporter, later JUnit and others). The
// runner itself never prints. Cases run one after another; each gets its own
// CaseContext so that running several at once (--jobs) only changes run_suite().
// The caller's thread runs everything, and calls the sink.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "linespec/conformance/case.hpp"
#include "linespec/conformance/context.hpp"
#include "linespec/conformance/outcome.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

struct CaseResult {
  const Case* test_case = nullptr;
  Verdict verdict = Verdict::kPass;  // the outcome's, after the case level applied
  Outcome outcome;
  std::string replay;  // the command that replays this case
  std::chrono::microseconds elapsed{0};
};

struct RunSummary {
  std::size_t passed = 0;   // PASS, INFO and XFAIL
  std::size_t failed = 0;   // FAIL and XPASS
  std::size_t warned = 0;   // WARN
  std::size_t skipped = 0;  // N/A
  std::chrono::microseconds elapsed{0};

  void count(Verdict verdict);
  // True when no MUST case failed: `linespec run` exits 0.
  bool ok() const { return failed == 0; }
};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void on_start(const SuiteConfig& config, const std::vector<const Case*>& cases) = 0;
  virtual void on_result(const CaseResult& result) = 0;
  virtual void on_finish(const RunSummary& summary) = 0;
};

struct RunOptions {
  std::size_t jobs = 1;  // cases run at once; only 1 for now
};

// The verdict a case's outcome gets at its level: a violated SHOULD warns.
Verdict verdict_at_level(const Outcome& outcome, Level level);

// Runs one case; a body that throws is a FAIL naming the exception.
CaseResult run_case(const Case& test_case, const SuiteConfig& config, TargetFacts& facts);

// Checks that the target can be reached (one connection, closed at once), then
// runs `cases` in order. Errors: kUnreachable when the first connection fails;
// kUsage for RunOptions it cannot honour. Case failures are results, not errors.
Result<RunSummary> run_suite(const std::vector<const Case*>& cases, const SuiteConfig& config,
                             const RunOptions& options, ResultSink& sink);

}  // namespace linespec::conformance
