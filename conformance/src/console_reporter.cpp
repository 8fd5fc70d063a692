#include "linespec/conformance/console_reporter.hpp"

#include <string>

namespace linespec::conformance {

std::string_view verdict_mark(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "\u2714";  // ✔
    case Verdict::kFail: return "\u00d7";  // ×
    case Verdict::kWarn: return "!";
    case Verdict::kInfo: return "i";
    case Verdict::kNotApplicable: return "-";
    case Verdict::kExpectedFail: return "x";
    case Verdict::kUnexpectedPass: return "X";
  }
  return "?";
}

std::string summary_line(const RunSummary& summary) {
  std::string line = std::to_string(summary.passed) + " passed, " + std::to_string(summary.failed) + " failed";
  if (summary.warned > 0) line += ", " + std::to_string(summary.warned) + " warned";
  if (summary.skipped > 0) line += ", " + std::to_string(summary.skipped) + " skipped";
  return line;
}

void ConsoleReporter::on_start(const SuiteConfig& config, const std::vector<const Case*>& cases) {
  out_ << "linespec spec " << kSpecVersion << ": " << cases.size() << " cases against "
       << config.target.to_string() << ", profile " << config.profile.name << "\n";
}

void ConsoleReporter::on_result(const CaseResult& result) {
  const Case& c = *result.test_case;
  out_ << verdict_mark(result.verdict) << " " << c.id << "  " << c.requirement << "  " << c.description;
  if (result.verdict != Verdict::kPass && result.verdict != Verdict::kFail) {
    out_ << "  [" << to_string(result.verdict) << "]";
  }
  out_ << "\n";
  const Outcome& o = result.outcome;
  bool failed = result.verdict == Verdict::kFail || result.verdict == Verdict::kWarn ||
                result.verdict == Verdict::kExpectedFail;
  if (!o.message.empty() && (failed || result.verdict == Verdict::kNotApplicable ||
                             result.verdict == Verdict::kInfo)) {
    out_ << "    " << o.message << "\n";
  }
  if (!failed) return;
  if (o.has_evidence) {
    out_ << "    sent:     " << o.sent << "\n";
    out_ << "    expected: " << o.expected << "\n";
    out_ << "    received: " << o.received << "\n";
  }
  out_ << "    replay:   " << result.replay << "\n";
}

void ConsoleReporter::on_finish(const RunSummary& summary) { out_ << summary_line(summary) << "\n"; }

}  // namespace linespec::conformance
