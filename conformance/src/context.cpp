#include "linespec/conformance/context.hpp"

#include <utility>

namespace linespec::conformance {
namespace {

bool needs_no_quotes(std::string_view word) {
  if (word.empty()) return false;
  for (char c : word) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!plain && std::string_view("_./:@%+=,-").find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string shell_quote(std::string_view word) {
  if (needs_no_quotes(word)) return std::string(word);
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

harness::SessionOptions options_for(const SuiteConfig& config) {
  harness::SessionOptions options;
  options.inactivity_timeout = config.timeout;
  return options;
}

// One client that is being served: greeted, or (without a greeting) answered.
// Returns whether the server's first output arrived in full.
bool first_output_arrives(harness::Session& session, const Profile& profile) {
  if (profile.greeting) {
    std::string greeting = profile.greeting_line();
    return session.expect(greeting.size()) && session.received().size() >= greeting.size();
  }
  harness::Model model(profile);
  model.feed("x\n");
  // The server may not have accepted this connection yet, so the harness cannot
  // wait for it to consume the bytes.
  session.send("x\n", /*wait_consumed=*/false);
  return session.expect(model.output().size()) && session.received().size() >= model.output().size();
}

}  // namespace

std::string replay_command(const SuiteConfig& config, std::string_view case_id) {
  std::string command = "linespec run";
  if (!config.target_text.empty()) command += " " + shell_quote(config.target_text);
  command += " --profile " + shell_quote(config.profile_source);
  if (config.timeout != kDefaultTimeout) command += " --timeout " + std::to_string(config.timeout.count());
  command += " --case " + shell_quote(case_id);
  return command;
}

Result<bool> TargetFacts::serves_concurrently(const SuiteConfig& config) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (concurrent_) return *concurrent_;
  auto first = harness::Session::open(config.target, options_for(config));
  if (!first) return first.error();
  first_output_arrives(*first, config.profile);
  auto second = harness::Session::open(config.target, options_for(config));
  // A server at its capacity may refuse the second connection outright.
  bool concurrent = second && first_output_arrives(*second, config.profile);
  concurrent_ = concurrent;
  return concurrent;
}

harness::SessionOptions CaseContext::session_options() const { return options_for(config_); }

Result<harness::Session> CaseContext::open_session() const {
  return harness::Session::open(config_.target, session_options());
}

harness::SessionResult CaseContext::run_session(const harness::Plan& plan) const {
  return harness::run_session(config_.target, plan, session_options());
}

Result<bool> CaseContext::concurrency_applies() {
  switch (config_.profile.concurrency) {
    case Concurrency::kConcurrent: return true;
    case Concurrency::kSequential: return false;
    case Concurrency::kAny: break;
  }
  return facts_.serves_concurrently(config_);
}

}  // namespace linespec::conformance
