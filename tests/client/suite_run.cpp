#include "suite_run.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "linespec/conformance/client/command.hpp"
#include "linespec/harness/process.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec::conformance::testing {
namespace {

class RecordingSink : public ResultSink {
 public:
  explicit RecordingSink(SuiteRun& run) : run_(run) {}
  void on_start(const RunStart&) override {}
  void on_result(const CaseResult& result) override {
    run_.verdicts[result.test_case->id] = result.verdict;
    std::ostringstream report;
    report << result.outcome.message;
    if (result.outcome.has_evidence) {
      report << "\n      sent:     " << result.outcome.sent << "\n      expected: " << result.outcome.expected
             << "\n      received: " << result.outcome.received;
    }
    run_.reports[result.test_case->id] = report.str();
  }
  void on_finish(const RunSummary& summary) override { run_.summary = summary; }

 private:
  SuiteRun& run_;
};

}  // namespace

std::set<std::string> SuiteRun::with(Verdict verdict) const {
  std::set<std::string> ids;
  for (const auto& [id, v] : verdicts) {
    if (v == verdict) ids.insert(id);
  }
  return ids;
}

std::string SuiteRun::text() const {
  if (!ran) return "no run: " + error.message;
  std::string out;
  for (const auto& [id, verdict] : verdicts) {
    out += "  " + id + " " + std::string(to_string(verdict));
    if (verdict != Verdict::kPass) out += ": " + reports.at(id);
    out += "\n";
  }
  return out;
}

SuiteRun run_client_suite_on(const std::string& command, const SuiteOptions& options) {
  SuiteRun run;
  auto parsed = parse_client_command(command, options.stdio);
  auto profile = load_profile(options.profile);
  if (!parsed || !profile) {
    ADD_FAILURE() << "bad test setup: " << command;
    return run;
  }
  static const ClientRegistry registry = client_registry();
  auto cases = registry.select(options.cases);
  if (!cases) {
    ADD_FAILURE() << cases.error().message;
    return run;
  }
  ClientSuiteConfig config;
  config.command = *parsed;
  config.profile = *profile;
  config.profile_source = options.profile;
  config.timeout = options.timeout;
  RunOptions run_options;
  run_options.jobs = options.jobs;
  RecordingSink sink(run);
  auto summary = run_client_suite(*cases, config, run_options, sink);
  run.ran = summary.ok();
  if (!summary) run.error = summary.error();
  return run;
}

std::string python_interpreter() {
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kPipe;
  auto child = harness::ChildProcess::start(
      harness::Command::program({"python3", "-c", "import sys; print(sys.executable)"}), options);
  if (!child) return "python3";
  auto line = child->read_line(std::chrono::milliseconds(20000));
  return line && !line->empty() ? *line : "python3";
}

std::set<std::string> all_case_ids() {
  std::set<std::string> ids;
  const ClientRegistry registry = client_registry();
  for (const ClientCase& c : registry.cases()) ids.insert(c.info.id);
  return ids;
}

}  // namespace linespec::conformance::testing
