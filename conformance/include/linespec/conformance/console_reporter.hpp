// The human-readable report: a header naming the versions, target, profile and
// jobs; one line per case (✔ or ×, id, requirement, description) with evidence and a
// replay command under each failure; a last line `N passed, N failed, ...`. Writes to
// the stream main() hands it, from the thread that runs the suite.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "linespec/conformance/runner.hpp"

namespace linespec::conformance {

class ConsoleReporter : public ResultSink {
 public:
  explicit ConsoleReporter(std::ostream& out) : out_(out) {}

  void on_start(const RunStart& start) override;
  void on_result(const CaseResult& result) override;
  void on_finish(const RunSummary& summary) override;

 private:
  std::ostream& out_;
};

// "✔" for PASS, "×" for FAIL, "!" for WARN, "-" for N/A, "i" for INFO, "x" for
// XFAIL, "X" for XPASS.
std::string_view verdict_mark(Verdict verdict);
// The last line of a report: "12 passed, 0 failed", "9 passed, 1 failed, 2 skipped".
std::string summary_line(const RunSummary& summary);
// The first line: "linespec 0.1.0, spec 1.0: 64 cases against tcp:127.0.0.1:4000,
// profile seed, 8 jobs".
std::string header_line(const RunStart& start);

}  // namespace linespec::conformance
