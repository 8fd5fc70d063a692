// What a case body works with: the target, the active profile and session limits,
// facts measured once per run (TargetFacts, shared by all cases, guards itself with
// a mutex), and the recording of what the case does. SuiteConfig is read-only during
// a run; a CaseContext belongs to the one thread running its case.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "linespec/conformance/case_session.hpp"
#include "linespec/harness/model.hpp"
#include "linespec/harness/session.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

inline constexpr std::string_view kSpecVersion = "1.0";  // the version stated in SPEC.md
inline constexpr std::chrono::milliseconds kDefaultTimeout{1000};
// Bytes a case session keeps from the server unless it says otherwise: one more
// ends the session as flooded, so a server that sends without end costs a case
// little time, and the verdict is certain anyway.
inline constexpr std::size_t kDefaultMaxReceived = 1u << 20;

// The linespec version the suite was built as ("0.1.0"), for reports.
std::string_view linespec_version();

struct SuiteConfig {
  harness::Target target;
  // The target as the user wrote it, for replay commands; empty when linespec
  // started the reference server itself (the replay then does the same).
  std::string target_text;
  std::string spawn_command;  // --spawn CMD that started the target, for replay commands
  Profile profile;
  // The --profile argument as the user wrote it (a built-in name, a file path, auto).
  std::string profile_source = "seed";
  // A session that receives nothing for this long has ended (inactivity timeout).
  std::chrono::milliseconds timeout = kDefaultTimeout;
};

// The command that replays one case: `linespec run TARGET --profile P --case ID`,
// with shell quoting where an argument needs it.
std::string replay_command(const SuiteConfig& config, std::string_view case_id);

// How the target treats a second client while a first one is open.
enum class Serving {
  kConcurrently,  // the second is served at once
  kOneAtATime,    // the first is served, the second is not (a sequential server)
  kNotEvenOne,    // the first is not served either: nothing to conclude
};

// Facts about the target that several cases need and that cost time to measure.
class TargetFacts {
 public:
  // Measured on first use (the second client waits up to the inactivity timeout),
  // then remembered. Errors: the target could not be reached (kUnreachable).
  Result<Serving> serving(const SuiteConfig& config);

 private:
  std::mutex mutex_;
  std::optional<Serving> serving_;
};

class CaseContext {
 public:
  CaseContext(const SuiteConfig& config, TargetFacts& facts);

  const SuiteConfig& config() const { return config_; }
  const Profile& profile() const { return config_.profile; }
  const harness::Target& target() const { return config_.target; }

  harness::SessionOptions session_options(std::size_t max_received = kDefaultMaxReceived) const;
  // A fresh model of the active profile: the oracle every expectation comes from.
  harness::Model model() const { return harness::Model(config_.profile); }
  // Opens a recorded session on the target (errors: kUnreachable naming the target).
  Result<CaseSession> open_session(std::size_t max_received = kDefaultMaxReceived);
  // Opens a session, runs `plan`, and finishes it. A connect failure comes back as
  // Ending::kError with `error` set.
  harness::SessionResult run_session(const harness::Plan& plan, std::size_t max_received = kDefaultMaxReceived);

  // Whether concurrency cases apply: from the profile's concurrency knob, measured
  // for `any`. Errors come from TargetFacts::serving().
  Result<bool> concurrency_applies();
  // The reason concurrency cases do not apply, for their N/A message.
  std::string why_not_concurrent();

  // Everything this case did so far; the runner takes it when the case ends.
  CaseRecording& recording() { return recording_; }

 private:
  const SuiteConfig& config_;
  TargetFacts& facts_;
  CaseRecording recording_;
};

}  // namespace linespec::conformance
