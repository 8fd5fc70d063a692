#include "linespec/conformance/outcome.hpp"

#include <utility>

namespace linespec::conformance {

std::string_view to_string(Level level) { return level == Level::kMust ? "MUST" : "SHOULD"; }

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "PASS";
    case Verdict::kFail: return "FAIL";
    case Verdict::kWarn: return "WARN";
    case Verdict::kInfo: return "INFO";
    case Verdict::kNotApplicable: return "N/A";
    case Verdict::kExpectedFail: return "XFAIL";
    case Verdict::kUnexpectedPass: return "XPASS";
  }
  return "?";
}

bool counts_as_failure(Verdict verdict) {
  return verdict == Verdict::kFail || verdict == Verdict::kUnexpectedPass;
}

Outcome Outcome::pass(std::string message) {
  Outcome o;
  o.message = std::move(message);
  return o;
}

Outcome Outcome::info(std::string message) {
  Outcome o;
  o.verdict = Verdict::kInfo;
  o.message = std::move(message);
  return o;
}

Outcome Outcome::not_applicable(std::string reason) {
  Outcome o;
  o.verdict = Verdict::kNotApplicable;
  o.message = std::move(reason);
  return o;
}

Outcome Outcome::fail(std::string message) {
  Outcome o;
  o.verdict = Verdict::kFail;
  o.message = std::move(message);
  return o;
}

Outcome Outcome::fail(std::string message, std::string sent, std::string expected, std::string received) {
  Outcome o = fail(std::move(message));
  o.sent = std::move(sent);
  o.expected = std::move(expected);
  o.received = std::move(received);
  o.has_evidence = true;
  return o;
}

}  // namespace linespec::conformance
