// `linespec probe`: infers a server's profile from a few short sessions, with how
// sure it is of each knob; the result prints as a profile file (with `# confidence:`
// comments) that `--profile FILE` reads back. Returns errors, never prints; runs on
// the calling thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

enum class Confidence {
  kLow,     // a guess: what was seen fits several values, or nothing could be seen
  kMedium,  // concluded from silence (nothing arrived within the quiet time)
  kHigh,    // concluded from bytes that arrived and the server's close
};
std::string_view to_string(Confidence confidence);  // "low", "medium", "high"

struct KnobFinding {
  std::string knob;  // the profile file key: "greeting", "reply", "terminators", ...
  Confidence confidence = Confidence::kLow;
  std::string evidence;  // one line: what was sent and seen
};

struct ProbeReport {
  Profile profile;  // named "probed"
  std::vector<KnobFinding> findings;  // in profile file order
  std::string target;  // Target::to_string() of what was probed
};

struct ProbeOptions {
  // Inactivity timeout of each session: a wait for bytes that must come.
  std::chrono::milliseconds timeout{1000};
  // How long silence must last to count as "nothing more comes" where only timing
  // can tell (echo or stream, which bytes end an echo record).
  std::chrono::milliseconds quiet{300};
  // Clients opened at most to find a capacity.
  std::size_t capacity_limit = 64;
};

// Probes `target`. Errors: kUnreachable when it cannot be reached; kProtocol when
// the server refuses a lone client (its first line contains "not connect").
Result<ProbeReport> probe_target(const harness::Target& target, const ProbeOptions& options = {});

// The report as a profile file: "# linespec probe of TARGET (...)", one
// "# confidence: KNOB LEVEL: EVIDENCE" line per finding, then print_profile().
std::string to_profile_text(const ProbeReport& report);

}  // namespace linespec::conformance
