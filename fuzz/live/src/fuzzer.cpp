#include "linespec/live_fuzz/fuzzer.hpp"

#include <cassert>
#include <set>
#include <utility>

#include "linespec/live_fuzz/conversation_source.hpp"
#include "target_check.hpp"

namespace linespec::live_fuzz {

namespace {

using Clock = std::chrono::steady_clock;
using harness::Script;
using harness::ScriptResult;

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

// The message of a connection that could not reach the target, if any did.
std::optional<std::string> unreachable_in(const ScriptResult& result) {
  for (const auto& c : result.connections) {
    if (c.session.error && c.session.error->kind == ErrorKind::kUnreachable) return c.session.error->message;
  }
  return std::nullopt;
}

// Whether the target has stopped accepting connections: its error message if so.
std::optional<std::string> unreachable_now(const harness::Target& target, const harness::SessionOptions& options) {
  auto session = harness::Session::open(target, options);
  if (!session) return session.error().message;
  harness::SessionResult result = session->finish();
  if (result.error && result.error->kind == ErrorKind::kUnreachable) return result.error->message;
  return std::nullopt;
}

}  // namespace

double FuzzReport::rate() const {
  double seconds = std::chrono::duration<double>(elapsed).count();
  return seconds > 0 ? static_cast<double>(conversations) / seconds : 0.0;
}

Result<Fuzzer> Fuzzer::start(const harness::Target& target, FuzzOptions options) {
  if (options.max_connections == 0) return usage_error("a conversation needs at least 1 connection");
  auto check = check_target(target, options.profile, options.max_connections, options.session);
  if (!check) return check.error();
  return Fuzzer(target, std::move(options), check->overlap, std::move(check->note));
}

Fuzzer::Fuzzer(harness::Target target, FuzzOptions options, Overlap overlap, std::string overlap_note)
    : target_(std::move(target)),
      options_(std::move(options)),
      overlap_(overlap),
      overlap_note_(std::move(overlap_note)) {}
Fuzzer::Fuzzer(Fuzzer&&) noexcept = default;
Fuzzer& Fuzzer::operator=(Fuzzer&&) noexcept = default;
Fuzzer::~Fuzzer() = default;

Script Fuzzer::script_of(const Conversation& conversation) const {
  Script script = to_script(conversation, options_.profile, overlap_);
  script.target = target_;
  return script;
}

ScriptResult Fuzzer::run_script(const Script& script) const {
  harness::ScriptRunner runner(target_, script.profile, options_.session, script.oracle, options_.settle);
  for (const auto& step : script.steps) {
    [[maybe_unused]] Status status = runner.run(step);
    assert(status.ok() && "conversations obey the script rules");
  }
  return runner.finish();
}

FuzzReport Fuzzer::run(const ProgressCallback& progress) {
  FuzzReport report;
  report.seed = options_.seed;
  ConversationSource source(options_.seed, options_.profile, options_.max_connections);
  std::optional<Script> previous;
  const auto start = Clock::now();
  for (;;) {
    if (options_.max_conversations && report.conversations >= *options_.max_conversations) break;
    if (options_.duration && Clock::now() - start >= *options_.duration) break;
    DrawnConversation drawn = source.next();
    Script script = script_of(drawn.value());
    ScriptResult result = run_script(script);
    ++report.conversations;
    if (result.passed()) {
      previous = std::move(script);
      if (progress) progress({report.conversations, since(start), false, 0, 0});
      continue;
    }
    report.elapsed = since(start);
    auto message = unreachable_in(result);
    if (!message) message = unreachable_now(target_, options_.session);
    if (message) {
      // The server went away: what ran before may have broken it; nothing to shrink.
      Finding lost;
      lost.kind = Finding::Kind::kTargetLost;
      lost.conversation = report.conversations;
      lost.original = previous.value_or(script);
      lost.script = lost.original;
      lost.result = std::move(result);
      lost.message = std::move(*message);
      report.finding = std::move(lost);
      return report;
    }
    const auto shrink_start = Clock::now();
    report.finding = shrink(drawn, std::move(script), std::move(result), report.conversations, progress);
    report.shrink_elapsed = since(shrink_start);
    return report;
  }
  report.elapsed = since(start);
  return report;
}

// Takes the first smaller conversation that still fails, again and again, until none
// of the candidates fails (or the budget is spent): rapidcheck's shrinking, driven here
// so that it has a budget. A candidate that prints as the current script is the same
// conversation and is taken without running it; candidates seen to pass are not rerun.
Finding Fuzzer::shrink(const DrawnConversation& failing, Script script, ScriptResult result, std::size_t conversations,
                       const ProgressCallback& progress) const {
  const auto start = Clock::now();
  const auto deadline = start + options_.shrink_time;
  Finding finding;
  finding.conversation = conversations;
  finding.original = script;
  finding.script = std::move(script);
  finding.result = std::move(result);
  std::string current_text = harness::print_script(finding.script);
  std::set<std::string> passed;
  DrawnConversation current = failing;
  ShrinkCandidates candidates = current.shrinks();
  while (auto candidate = candidates.next()) {
    Script smaller = script_of(candidate->value());
    std::string text = harness::print_script(smaller);
    if (text != current_text) {
      if (passed.count(text) != 0) continue;
      if (finding.shrink_runs >= options_.shrink_runs || Clock::now() >= deadline) {
        finding.shrink_complete = false;
        break;
      }
      ++finding.shrink_runs;
      ScriptResult outcome = run_script(smaller);
      if (progress) progress({conversations, since(start), true, finding.shrink_steps, finding.shrink_runs});
      if (auto message = unreachable_in(outcome)) {
        // A candidate broke the server: the smallest failure so far is the answer.
        finding.shrink_complete = false;
        finding.message = "the target stopped accepting connections while shrinking: " + *message;
        break;
      }
      if (outcome.passed()) {
        passed.insert(std::move(text));
        continue;
      }
      ++finding.shrink_steps;
      finding.result = std::move(outcome);
      finding.script = std::move(smaller);
      current_text = std::move(text);
    }
    current = *candidate;
    candidates = current.shrinks();
  }
  // Written out, the script carries the model's answer; `linespec replay` runs it so.
  finding.script = harness::with_model_expectations(finding.script);
  if (!finding.message.empty()) return finding;
  auto replayed = harness::run_script(finding.script, target_, options_.session);
  finding.reproduced = !replayed || !replayed->passed();
  if (replayed && !replayed->passed() && !unreachable_in(*replayed)) finding.result = std::move(*replayed);
  return finding;
}

}  // namespace linespec::live_fuzz
