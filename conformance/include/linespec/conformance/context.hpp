// What a case body works with: the target, the active profile, the session limits,
// and facts about the target measured once per run (whether it serves clients
// concurrently). A SuiteConfig is shared read-only by a whole run; TargetFacts is
// shared by every case of a run and guards itself with a mutex; a CaseContext
// belongs to the one thread running its case.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "linespec/harness/model.hpp"
#include "linespec/harness/session.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

inline constexpr std::string_view kSpecVersion = "1.0";  // the version stated in SPEC.md
inline constexpr std::chrono::milliseconds kDefaultTimeout{1000};

struct SuiteConfig {
  harness::Target target;
  // The target as the user wrote it, for replay commands; empty when linespec
  // started the reference server itself (the replay then does the same).
  std::string target_text;
  Profile profile;
  // The --profile argument as the user wrote it (a built-in name or a file path).
  std::string profile_source = "seed";
  // A session that receives nothing for this long has ended (inactivity timeout).
  std::chrono::milliseconds timeout = kDefaultTimeout;
};

// The command that replays one case: `linespec run TARGET --profile P --case ID`,
// with shell quoting where an argument needs it.
std::string replay_command(const SuiteConfig& config, std::string_view case_id);

// Facts about the target that several cases need and that cost time to measure.
class TargetFacts {
 public:
  // Whether a second client is greeted (or, without a greeting, answered) while a
  // first one is open. Measured on first use, then remembered. Errors: the target
  // could not be reached (kUnreachable).
  Result<bool> serves_concurrently(const SuiteConfig& config);

 private:
  std::mutex mutex_;
  std::optional<bool> concurrent_;
};

class CaseContext {
 public:
  CaseContext(const SuiteConfig& config, TargetFacts& facts) : config_(config), facts_(facts) {}

  const SuiteConfig& config() const { return config_; }
  const Profile& profile() const { return config_.profile; }
  const harness::Target& target() const { return config_.target; }

  harness::SessionOptions session_options() const;
  // A fresh model of the active profile: the oracle every expectation comes from.
  harness::Model model() const { return harness::Model(config_.profile); }
  // Opens a session on the target (errors: kUnreachable naming the target).
  Result<harness::Session> open_session() const;
  harness::SessionResult run_session(const harness::Plan& plan) const;

  // Whether concurrency cases apply: from the profile's concurrency knob, measured
  // for `any`. Errors come from TargetFacts::serves_concurrently().
  Result<bool> concurrency_applies();

 private:
  const SuiteConfig& config_;
  TargetFacts& facts_;
};

}  // namespace linespec::conformance
