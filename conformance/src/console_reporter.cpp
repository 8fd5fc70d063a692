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
  if (summary.warned > 0) {
    line += ", " + std::to_string(summary.warned) + " warned";
    if (summary.strict) line += " (failures under --strict)";
  }
  if (summary.skipped > 0) line += ", " + std::to_string(summary.skipped) + " skipped";
  if (summary.xfailed > 0) line += ", " + std::to_string(summary.xfailed) + " failed as expected";
  if (summary.xpassed > 0) line += ", " + std::to_string(summary.xpassed) + " passed unexpectedly";
  return line;
}

std::string header_line(const RunStart& start) {
  std::string line = "linespec " + std::string(linespec_version()) + ", spec " + std::string(kSpecVersion) + ": " +
                     std::to_string(start.cases.size()) + (start.cases.size() == 1 ? " case" : " cases") +
                     " against " + start.config.target.to_string() + ", profile " + start.config.profile.name;
  line += ", " + std::to_string(start.jobs) + (start.jobs == 1 ? " job" : " jobs");
  if (!start.jobs_note.empty()) line += " (" + start.jobs_note + ")";
  if (start.strict) line += ", strict";
  return line;
}

void ConsoleReporter::on_start(const RunStart& start) { out_ << header_line(start) << "\n"; }

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
  bool explained = failed || result.verdict == Verdict::kNotApplicable || result.verdict == Verdict::kInfo ||
                   result.verdict == Verdict::kUnexpectedPass;
  if (!o.message.empty() && explained) out_ << "    " << o.message << "\n";
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
