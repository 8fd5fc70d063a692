// What one conformance case found: a verdict plus the evidence a reader needs to
// judge it (what was sent, what the model expected, what arrived). Plain value
// types built by case bodies and verifiers; any thread.
#pragma once

#include <string>
#include <string_view>

namespace linespec::conformance {

// How binding the requirement a case checks is (SPEC.md: MUST decides the exit
// status, SHOULD only warns).
enum class Level { kMust, kShould };

enum class Verdict {
  kPass,
  kFail,            // a MUST requirement was violated
  kWarn,            // a SHOULD requirement was violated
  kInfo,            // an observation that is neither pass nor fail
  kNotApplicable,   // the requirement does not apply to this profile or server
  kExpectedFail,    // failed, and was listed as a known failure
  kUnexpectedPass,  // passed, although listed as a known failure
};

std::string_view to_string(Level level);
std::string_view to_string(Verdict verdict);  // "PASS", "FAIL", "WARN", "INFO", "N/A", ...

// Whether a verdict makes `linespec run` exit 1.
bool counts_as_failure(Verdict verdict);

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string message;   // one line: why (empty for a plain pass)
  std::string sent;      // escaped, as the client sent it ("a" "b\n" for two chunks)
  std::string expected;  // escaped, what the model says must arrive
  std::string received;  // escaped, what did arrive
  bool has_evidence = false;

  static Outcome pass(std::string message = {});
  static Outcome info(std::string message);
  static Outcome not_applicable(std::string reason);
  // A violated requirement. The runner turns it into WARN for a SHOULD case.
  static Outcome fail(std::string message);
  static Outcome fail(std::string message, std::string sent, std::string expected, std::string received);
};

}  // namespace linespec::conformance
