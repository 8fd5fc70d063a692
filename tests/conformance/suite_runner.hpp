// Runs the conformance suite in-process for a test and keeps every result and the
// console report, so a test can assert verdicts case by case and print the report
// when an assertion fails. One thread.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/case.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/conformance/runner.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::conformance::testing {

class RecordingSink : public ResultSink {
 public:
  void on_start(const SuiteConfig& config, const std::vector<const Case*>& cases) override {
    console_.on_start(config, cases);
  }
  void on_result(const CaseResult& result) override {
    results_.push_back(result);
    console_.on_result(result);
  }
  void on_finish(const RunSummary& summary) override { console_.on_finish(summary); }

  const std::vector<CaseResult>& results() const { return results_; }
  std::string report() const { return report_.str(); }

 private:
  std::ostringstream report_;
  ConsoleReporter console_{report_};
  std::vector<CaseResult> results_;
};

struct SuiteRun {
  std::optional<Error> error;  // run_suite() itself failed (e.g. unreachable)
  std::vector<CaseResult> results;
  std::string report;

  // The verdict of one case; a test fails loudly on an id that did not run.
  std::optional<Verdict> verdict(std::string_view id) const {
    for (const CaseResult& r : results) {
      if (r.test_case->id == id) return r.verdict;
    }
    return std::nullopt;
  }
  std::size_t count(Verdict v) const {
    std::size_t n = 0;
    for (const CaseResult& r : results) n += r.verdict == v ? 1 : 0;
    return n;
  }
};

inline SuiteRun run_core_suite(const harness::Target& target, const Profile& profile,
                               std::vector<std::string> only = {}) {
  static const Registry registry = core_registry();
  SuiteRun run;
  SuiteConfig config;
  config.target = target;
  config.target_text = target.to_string();
  config.profile = profile;
  config.profile_source = profile.name;
  auto cases = registry.select(only);
  if (!cases) {
    run.error = cases.error();
    return run;
  }
  RecordingSink sink;
  auto summary = run_suite(*cases, config, RunOptions{}, sink);
  if (!summary) run.error = summary.error();
  run.results = sink.results();
  run.report = sink.report();
  return run;
}

}  // namespace linespec::conformance::testing
