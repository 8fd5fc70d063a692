#include "linespec/conformance/client/runner.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include "linespec/conformance/result_slots.hpp"
#include "linespec/protocol/escape.hpp"

namespace linespec::conformance {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

}  // namespace

std::string client_replay_command(const ClientSuiteConfig& config, std::string_view case_id) {
  std::string command = "linespec test-client " + shell_word(config.command.text);
  if (config.command.transport == ClientTransport::kStdio) command += " --stdio";
  command += " --profile " + shell_word(config.profile_source);
  if (config.timeout != kDefaultClientTimeout) command += " --timeout " + std::to_string(config.timeout.count());
  command += " --case " + shell_word(case_id);
  return command;
}

SuiteConfig reported_config(const ClientSuiteConfig& config) {
  SuiteConfig reported;
  reported.target = harness::Target::exec(config.command.text);
  reported.target_text = config.command.text;
  reported.profile = config.profile;
  reported.profile_source = config.profile_source;
  reported.timeout = config.timeout;
  return reported;
}

CaseResult run_client_case(const ClientCase& test_case, const ClientSuiteConfig& config, const RunOptions& options,
                           std::optional<Error>& unrunnable) {
  CaseResult result;
  result.test_case = &test_case.info;
  result.replay = client_replay_command(config, test_case.info.id);
  Clock::time_point start = Clock::now();
  {
    ClientCaseContext ctx(config);
    try {
      result.outcome = test_case.run(ctx);
    } catch (const std::exception& e) {
      result.outcome = Outcome::fail(std::string("the case raised an exception: ") + e.what());
    }
    unrunnable = ctx.unrunnable();
  }
  if (unrunnable) result.outcome = Outcome::fail(unrunnable->message);
  result.elapsed = since(start);
  bool listed = options.expected_failures.count(test_case.info.id) > 0;
  result.verdict = final_verdict(result.outcome, test_case.info.level, listed, options.strict);
  if (result.verdict == Verdict::kUnexpectedPass) {
    result.outcome.message = "listed as a known failure, but passed: remove it from the list";
  }
  return result;
}

Result<RunSummary> run_client_suite(const std::vector<const ClientCase*>& cases, const ClientSuiteConfig& config,
                                    const RunOptions& options, ResultSink& sink) {
  if (options.jobs == 0) return usage_error("--jobs 0: at least one case must run at a time");
  Clock::time_point start = Clock::now();
  std::vector<const Case*> infos;
  for (const ClientCase* c : cases) infos.push_back(&c->info);
  const SuiteConfig reported = reported_config(config);
  std::size_t jobs = std::clamp<std::size_t>(options.jobs, 1, std::max<std::size_t>(cases.size(), 2) - 1);
  RunStart run_start{reported, infos, jobs, {}, options.strict, kClientSpecVersion};
  RunSummary summary;
  summary.strict = options.strict;
  summary.total = cases.size();

  // The first case alone: it shows whether the command can run at all.
  std::optional<Error> unrunnable;
  if (!cases.empty() && !options.stop_requested()) {
    CaseResult first = run_client_case(*cases[0], config, options, unrunnable);
    if (unrunnable) return *unrunnable;
    sink.on_start(run_start);
    summary.count(first.verdict);
    ++summary.ran;
    sink.on_result(first);
  } else {
    sink.on_start(run_start);
  }

  ResultSlots slots(cases.size());
  // Case indexes handed out so far; after a stop none is handed out any more.
  std::atomic<std::size_t> next{1};
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < jobs && cases.size() > 1; ++w) {
    workers.emplace_back([&] {
      while (!options.stop_requested()) {
        std::size_t i = next++;
        if (i >= cases.size()) break;
        std::optional<Error> ignored;  // a later case reports it as its FAIL
        slots.put(i, run_client_case(*cases[i], config, options, ignored));
      }
    });
  }
  for (std::size_t i = 1; i < cases.size() && summary.ran == i; ++i) {
    // After a stop, the first case that never started ends the report.
    auto result = slots.take(i, [&] { return options.stop_requested() && next.load() <= i; });
    if (!result) break;
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

void ClientConsoleReporter::on_start(const RunStart& start) {
  std::ostringstream header;
  header << "linespec " << linespec_version() << ", client spec " << kClientSpecVersion << ": " << start.cases.size()
         << " cases against the client '" << config_.command.text << "' (" << to_string(config_.command.transport)
         << "), profile " << config_.profile.name << ", timeout " << config_.timeout.count() << " ms, " << start.jobs
         << (start.jobs == 1 ? " job" : " jobs");
  begin(start, header.str());
}

}  // namespace linespec::conformance
