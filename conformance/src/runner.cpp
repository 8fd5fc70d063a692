#include "linespec/conformance/runner.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "linespec/conformance/result_slots.hpp"
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

struct Jobs {
  std::size_t count = 1;
  std::string note;
};

// How many cases may run at once against this target.
Jobs jobs_for(const SuiteConfig& config, const std::vector<const Case*>& cases, std::size_t wanted,
              TargetFacts& facts) {
  Jobs jobs{std::min(wanted, std::max<std::size_t>(cases.size(), 1)), {}};
  if (jobs.count <= 1) return jobs;
  const Profile& profile = config.profile;
  if (profile.concurrency == Concurrency::kSequential) return {1, "the profile says the server is sequential"};
  // Twice the connections a case holds: those of the case before may still count
  // until the server has noticed that they closed.
  std::size_t per_job = 2 * kConnectionsPerCase;
  if (profile.capacity && *profile.capacity / per_job < jobs.count) {
    jobs.count = std::max<std::size_t>(1, *profile.capacity / per_job);
    jobs.note = "capacity " + std::to_string(*profile.capacity) + " allows " + std::to_string(jobs.count);
  }
  if (jobs.count > 1 && profile.concurrency == Concurrency::kAny) {
    auto serving = facts.serving(config);
    if (serving && *serving == Serving::kOneAtATime) {
      return {1, "a second client was not served while the first was open: a sequential server"};
    }
  }
  return jobs;
}

// Hands out cases to worker threads: ordinary ones first, in order, then each
// exclusive one once nothing else is in flight (and nothing else starts meanwhile).
// Exclusive cases only need that when the server has a known capacity.
class CaseQueue {
 public:
  CaseQueue(const std::vector<const Case*>& cases, bool capacity_known) {
    exclusive_.resize(cases.size());
    started_.resize(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) exclusive_[i] = capacity_known && cases[i]->exclusive;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (!exclusive_[i]) order_.push_back(i);
    }
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (exclusive_[i]) order_.push_back(i);
    }
  }

  // The next case index to run, or nothing when all have been handed out or the
  // run was stopped.
  std::optional<std::size_t> take(const RunOptions& options) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto can_take = [this] {
      if (next_ == order_.size()) return true;
      if (exclusive_running_) return false;
      return !exclusive_[order_[next_]] || in_flight_ == 0;
    };
    for (;;) {
      if (options.stop_requested()) return std::nullopt;
      if (can_take()) break;
      changed_.wait_for(lock, kStopPoll);
    }
    if (next_ == order_.size()) return std::nullopt;
    std::size_t index = order_[next_++];
    ++in_flight_;
    started_[index] = true;
    exclusive_running_ = exclusive_[index];
    return index;
  }

  // Whether case `index` was handed out; once the run is stopped, one that was not
  // never will be.
  bool started(std::size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    return started_[index];
  }

  void done(std::size_t index) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_flight_;
      if (exclusive_[index]) exclusive_running_ = false;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::size_t> order_;
  std::vector<bool> exclusive_;
  std::vector<bool> started_;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  bool exclusive_running_ = false;
};

}  // namespace

void RunSummary::count(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
    case Verdict::kInfo: ++passed; break;
    case Verdict::kFail: ++failed; break;
    case Verdict::kWarn: ++warned; break;
    case Verdict::kNotApplicable: ++skipped; break;
    case Verdict::kExpectedFail: ++xfailed; break;
    case Verdict::kUnexpectedPass: ++xpassed; break;
  }
}

Verdict final_verdict(const Outcome& outcome, Level level, bool listed, bool strict) {
  Verdict verdict = outcome.verdict;
  if (verdict == Verdict::kFail && level == Level::kShould) verdict = Verdict::kWarn;
  if (!listed) return verdict;
  bool failing = verdict == Verdict::kFail || (strict && verdict == Verdict::kWarn);
  if (failing) return Verdict::kExpectedFail;
  if (verdict == Verdict::kPass) return Verdict::kUnexpectedPass;
  return verdict;
}

CaseResult run_case(const Case& test_case, const SuiteConfig& config, TargetFacts& facts,
                    const RunOptions& options) {
  CaseResult result;
  result.test_case = &test_case;
  result.replay = replay_command(config, test_case.id);
  Clock::time_point start = Clock::now();
  {
    CaseContext ctx(config, facts);
    try {
      result.outcome = test_case.run(ctx);
    } catch (const std::exception& e) {
      result.outcome = Outcome::fail(std::string("the case raised an exception: ") + e.what());
    }
    result.recording = std::move(ctx.recording());
  }
  result.elapsed = since(start);
  bool listed = options.expected_failures.count(test_case.id) > 0;
  result.verdict = final_verdict(result.outcome, test_case.level, listed, options.strict);
  if (result.verdict == Verdict::kUnexpectedPass) {
    result.outcome.message = "listed as a known failure, but passed: remove it from the list";
  }
  return result;
}

Result<RunSummary> run_suite(const std::vector<const Case*>& cases, const SuiteConfig& config,
                             const RunOptions& options, ResultSink& sink) {
  if (options.jobs == 0) return usage_error("--jobs 0: at least one case must run at a time");
  if (auto unreachable = check_reachable(config)) return *unreachable;

  Clock::time_point start = Clock::now();
  TargetFacts facts;
  Jobs jobs = jobs_for(config, cases, options.jobs, facts);
  RunSummary summary;
  summary.strict = options.strict;
  sink.on_start(RunStart{config, cases, jobs.count, jobs.note, options.strict});

  CaseQueue queue(cases, config.profile.capacity.has_value());
  ResultSlots slots(cases.size());
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < jobs.count; ++i) {
    workers.emplace_back([&] {
      while (auto index = queue.take(options)) {
        slots.put(*index, run_case(*cases[*index], config, facts, options));
        queue.done(*index);
      }
    });
  }
  summary.total = cases.size();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    // After a stop, the cases that never started are left out; those running finish.
    auto result = slots.take(i, [&] { return options.stop_requested() && !queue.started(i); });
    if (!result) continue;
    summary.count(result->verdict);
    ++summary.ran;
    sink.on_result(*result);
  }
  for (std::thread& worker : workers) worker.join();
  summary.interrupted = summary.ran < summary.total;
  summary.elapsed = since(start);
  sink.on_finish(summary);
  return summary;
}

}  // namespace linespec::conformance
