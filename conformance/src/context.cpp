#include "linespec/conformance/context.hpp"

#include <utility>

#include "linespec/protocol/escape.hpp"
#include "service.hpp"

namespace linespec::conformance {
namespace {

harness::SessionOptions options_for(const SuiteConfig& config, std::size_t max_received = kDefaultMaxReceived) {
  harness::SessionOptions options;
  options.inactivity_timeout = config.timeout;
  options.max_received = max_received;
  return options;
}

}  // namespace

std::string_view linespec_version() { return LINESPEC_VERSION; }

std::string replay_command(const SuiteConfig& config, std::string_view case_id) {
  std::string command = "linespec run";
  if (!config.target_text.empty()) command += " " + shell_word(config.target_text);
  if (!config.spawn_command.empty()) command += " --spawn " + shell_word(config.spawn_command);
  command += " --profile " + shell_word(config.profile_source);
  if (config.timeout != kDefaultTimeout) command += " --timeout " + std::to_string(config.timeout.count());
  command += " --case " + shell_word(case_id);
  return command;
}

Result<Serving> TargetFacts::serving(const SuiteConfig& config) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (serving_) return *serving_;
  auto first = harness::Session::open(config.target, options_for(config));
  if (!first) return first.error();
  Serving measured = Serving::kNotEvenOne;
  if (await_service(*first, config.profile)) {
    auto second = harness::Session::open(config.target, options_for(config));
    // A server at its capacity may refuse the second connection outright.
    measured = second && await_service(*second, config.profile) ? Serving::kConcurrently : Serving::kOneAtATime;
  }
  serving_ = measured;
  return measured;
}

CaseContext::CaseContext(const SuiteConfig& config, TargetFacts& facts) : config_(config), facts_(facts) {
  recording_.script.profile = config.profile;
  recording_.script.target = config.target;
}

harness::SessionOptions CaseContext::session_options(std::size_t max_received) const {
  return options_for(config_, max_received);
}

Result<CaseSession> CaseContext::open_session(std::size_t max_received) {
  std::string name = recording_.open_connection();
  auto session = harness::Session::open(config_.target, session_options(max_received));
  if (!session) {
    harness::SessionResult failed;
    failed.ending = harness::Ending::kError;
    failed.error = session.error();
    failed.transcript.add_note(harness::TranscriptEvent::Kind::kError, session.error().message);
    recording_.add_session(name, failed);
    return session.error();
  }
  return CaseSession(std::move(*session), std::move(name), recording_);
}

harness::SessionResult CaseContext::run_session(const harness::Plan& plan, std::size_t max_received) {
  auto session = open_session(max_received);
  if (!session) {
    harness::SessionResult result;
    result.ending = harness::Ending::kError;
    result.error = session.error();
    return result;
  }
  session->run(plan);
  return session->finish();
}

Result<bool> CaseContext::concurrency_applies() {
  switch (config_.profile.concurrency) {
    case Concurrency::kConcurrent: return true;
    case Concurrency::kSequential: return false;
    case Concurrency::kAny: break;
  }
  auto serving = facts_.serving(config_);
  if (!serving) return serving.error();
  return *serving == Serving::kConcurrently;
}

std::string CaseContext::why_not_concurrent() {
  if (config_.profile.concurrency == Concurrency::kSequential) return "the profile says the server is sequential";
  auto serving = facts_.serving(config_);
  if (serving && *serving == Serving::kNotEvenOne) {
    return "a first client was not served, so whether the server is concurrent is unknown";
  }
  return "a second client was not served while the first was open: a sequential server";
}

}  // namespace linespec::conformance
