// Runs the selected client cases, each against a fresh run of the client command,
// and hands each result, in case order, to a ResultSink: the same CaseResult,
// verdicts (final_verdict: SHOULD warns, --expect gives XFAIL/XPASS), RunSummary and
// reporters as `linespec run`. Never prints. With jobs > 1 worker threads run cases
// at once (each has its own listener and client process); the calling thread calls
// the sink, always in case order.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/client/case.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/conformance/runner.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

inline constexpr std::string_view kClientSpecVersion = "1.0";  // the version stated in CLIENT-SPEC.md

// The command that replays one case:
// `linespec test-client 'CMD' [--stdio] --profile P [--timeout MS] --case ID`.
std::string client_replay_command(const ClientSuiteConfig& config, std::string_view case_id);

// The suite as reporters see it: the client command stands where `linespec run`
// shows its target (an exec: target holding the command text).
SuiteConfig reported_config(const ClientSuiteConfig& config);

// Runs one case; a body that throws is a FAIL naming the exception. `unrunnable`
// receives the reason when the client command could not be run at all.
CaseResult run_client_case(const ClientCase& test_case, const ClientSuiteConfig& config, const RunOptions& options,
                           std::optional<Error>& unrunnable);

// Runs the first case alone before reporting anything: when the command cannot be
// run at all, returns that error (kUnreachable; kIo when the kit cannot listen) and
// the sink sees nothing. Then runs the rest, `options.jobs` at a time. Errors:
// kUsage for jobs = 0. Case failures are results, not errors.
Result<RunSummary> run_client_suite(const std::vector<const ClientCase*>& cases, const ClientSuiteConfig& config,
                                    const RunOptions& options, ResultSink& sink);

// The console report of `linespec test-client`: ConsoleReporter with a first line
// naming the client spec, the command and its transport, the profile, T and the jobs.
class ClientConsoleReporter : public ConsoleReporter {
 public:
  ClientConsoleReporter(std::ostream& out, const ClientSuiteConfig& config, ConsoleStyle style = {})
      : ConsoleReporter(out, style), config_(config) {}
  void on_start(const RunStart& start) override;

 private:
  const ClientSuiteConfig& config_;
};

}  // namespace linespec::conformance
