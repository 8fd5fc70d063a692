#include "linespec/conformance/runner.hpp"

#include <exception>
#include <optional>
#include <utility>

#include "linespec/harness/session.hpp"
#include "linespec/harness/transport.hpp"

namespace linespec::conformance {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

// One connection, closed at once. An exec: child that cannot even start (the shell
// reports 126 or 127) shows only once it ended, so there the probe half-closes
// and reads until the child exits.
std::optional<Error> check_reachable(const SuiteConfig& config) {
  harness::SessionOptions options;
  options.inactivity_timeout = config.timeout;
  options.connect.timeout = config.timeout;
  if (config.target.kind == harness::Target::Kind::kExec) {
    harness::SessionResult result =
        harness::run_session(config.target, {harness::Step::close(harness::CloseMode::kHalfClose)}, options);
    if (result.error && result.error->kind == ErrorKind::kUnreachable) return result.error;
    return std::nullopt;
  }
  auto probe = harness::connect(config.target, options.connect);
  if (!probe) return probe.error();
  (*probe)->close();
  return std::nullopt;
}

}  // namespace

void RunSummary::count(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
    case Verdict::kInfo:
    case Verdict::kExpectedFail: ++passed; break;
    case Verdict::kFail:
    case Verdict::kUnexpectedPass: ++failed; break;
    case Verdict::kWarn: ++warned; break;
    case Verdict::kNotApplicable: ++skipped; break;
  }
}

Verdict verdict_at_level(const Outcome& outcome, Level level) {
  if (outcome.verdict == Verdict::kFail && level == Level::kShould) return Verdict::kWarn;
  return outcome.verdict;
}

CaseResult run_case(const Case& test_case, const SuiteConfig& config, TargetFacts& facts) {
  CaseResult result;
  result.test_case = &test_case;
  result.replay = replay_command(config, test_case.id);
  Clock::time_point start = Clock::now();
  CaseContext ctx(config, facts);
  try {
    result.outcome = test_case.run(ctx);
  } catch (const std::exception& e) {
    result.outcome = Outcome::fail(std::string("the case raised an exception: ") + e.what());
  }
  result.elapsed = since(start);
  result.verdict = verdict_at_level(result.outcome, test_case.level);
  return result;
}

Result<RunSummary> run_suite(const std::vector<const Case*>& cases, const SuiteConfig& config,
                             const RunOptions& options, ResultSink& sink) {
  if (options.jobs != 1) return usage_error("--jobs " + std::to_string(options.jobs) + ": only 1 is supported");
  if (auto unreachable = check_reachable(config)) return *unreachable;

  Clock::time_point start = Clock::now();
  TargetFacts facts;
  RunSummary summary;
  sink.on_start(config, cases);
  for (const Case* test_case : cases) {
    CaseResult result = run_case(*test_case, config, facts);
    summary.count(result.verdict);
    sink.on_result(result);
  }
  summary.elapsed = since(start);
  sink.on_finish(summary);
  return summary;
}

}  // namespace linespec::conformance
