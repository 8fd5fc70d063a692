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
  void on_start(const RunStart& start) override {
    jobs_ = start.jobs;
    console_.on_start(start);
  }
  void on_result(const CaseResult& result) override {
    results_.push_back(result);
    console_.on_result(result);
  }
  void on_finish(const RunSummary& summary) override { console_.on_finish(summary); }

  const std::vector<CaseResult>& results() const { return results_; }
  std::string report() const { return report_.str(); }
  std::size_t jobs() const { return jobs_; }

 private:
  std::size_t jobs_ = 0;
  std::ostringstream report_;
  ConsoleReporter console_{report_};
  std::vector<CaseResult> results_;
};

struct SuiteRun {
  std::optional<Error> error;  // run_suite() itself failed (e.g. unreachable)
  std::vector<CaseResult> results;
  std::string report;
  std::size_t jobs = 0;  // as run_suite() ran them

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
  // "framing/3=FAIL eof/1=PASS ...": every verdict, for comparing runs.
  std::string verdicts() const {
    std::string text;
    for (const CaseResult& r : results) {
      text += r.test_case->id + "=" + std::string(to_string(r.verdict)) + " ";
    }
    return text;
  }
};

// The ids of every built-in case except `left_out`.
inline std::vector<std::string> every_case_but(const std::vector<std::string>& left_out) {
  std::vector<std::string> ids;
  const Registry registry = core_registry();
  for (const Case& c : registry.cases()) {
    bool skip = false;
    for (const std::string& id : left_out) skip |= c.id == id;
    if (!skip) ids.push_back(c.id);
  }
  return ids;
}

inline SuiteRun run_core_suite(const harness::Target& target, const Profile& profile,
                               std::vector<std::string> only = {}, RunOptions options = {kDefaultJobs, false, {}}) {
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
  auto summary = run_suite(*cases, config, options, sink);
  if (!summary) run.error = summary.error();
  run.results = sink.results();
  run.report = sink.report();
  run.jobs = sink.jobs();
  return run;
}

}  // namespace linespec::conformance::testing
