// The human-readable report: one line per case (✔ or ×, id, requirement,
// description), the evidence and replay command under each failure, and a last
// line `N passed, N failed` (`, N warned`, `, N skipped` appended when any). Writes
// to the stream main() hands it; used from the thread that runs the suite.
#pragma once

#include <ostream>

#include "linespec/conformance/runner.hpp"

namespace linespec::conformance {

class ConsoleReporter : public ResultSink {
 public:
  explicit ConsoleReporter(std::ostream& out) : out_(out) {}

  void on_start(const SuiteConfig& config, const std::vector<const Case*>& cases) override;
  void on_result(const CaseResult& result) override;
  void on_finish(const RunSummary& summary) override;

 private:
  std::ostream& out_;
};

// "✔" for PASS, "×" for FAIL, "!" for WARN, "-" for N/A, "i" for INFO, ...
std::string_view verdict_mark(Verdict verdict);
// The last line of a report: "12 passed, 0 failed", "9 passed, 1 failed, 2 skipped".
std::string summary_line(const RunSummary& summary);

}  // namespace linespec::conformance
