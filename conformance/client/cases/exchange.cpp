// CLIENT-SPEC.md section 1: the exchange with a correct server.
#include <algorithm>

#include "linespec/conformance/client/verdicts.hpp"
#include "linespec/harness/transcript.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

ClientRun correct_exchange(ClientCaseContext& ctx, const ServeStyle& style = {}) {
  ClientSession& s = ctx.start();
  s.send_greeting();
  s.serve(style);
  return s.finish();
}

Outcome half_closes_and_waits(ClientCaseContext& ctx) {
  ServeStyle style;
  style.linger = quiet_period(ctx.timeout());
  ClientRun run = correct_exchange(ctx, style);
  Outcome completed = verify_completed(run, ctx.timeout());
  if (completed.verdict != Verdict::kPass) return completed;
  std::string expected = "a half-close after the last reply, then the client waits for the server to close";
  if (!run.half_closed) return client_failure("the client ended without half-closing first", run, expected);
  if (run.waited_for_close == false) {
    return client_failure("the client ended within " + std::to_string(style.linger.count()) +
                              " ms of its half-close, before the server closed",
                          run, expected);
  }
  return Outcome::pass();
}

Outcome prints_replies(ClientCaseContext& ctx) {
  if (ctx.config().command.transport == ClientTransport::kStdio) {
    return Outcome::not_applicable("with --stdio the client's stdout is the connection");
  }
  ClientRun run = correct_exchange(ctx);
  Outcome completed = verify_completed(run, ctx.timeout());
  if (completed.verdict != Verdict::kPass) return completed;
  std::size_t at = 0;
  for (const std::string& text : printed_replies(run, ctx.profile())) {
    std::size_t found = run.output.find(text, at);
    if (found == std::string::npos) {
      return Outcome::fail("the reply " + harness::escape_bytes(text, 64) + " does not appear on stdout",
                           run.kit_story, "each reply's text on stdout, in order",
                           "stdout: " + harness::escape_bytes(run.output, 200));
    }
    at = found + text.size();
  }
  return Outcome::pass();
}

Outcome terminates_records(ClientCaseContext& ctx) {
  if (ctx.profile().reply == ReplyKind::kStream) return Outcome::not_applicable("stream replies have no records");
  ClientRun run = correct_exchange(ctx);
  Outcome completed = verify_completed(run, ctx.timeout());
  if (completed.verdict != Verdict::kPass) return completed;
  if (!run.final_fragment.empty()) {
    return client_failure("the client's last bytes " + harness::escape_bytes(run.final_fragment, 64) +
                              " have no terminator",
                          run, "every record ended by a terminator of the profile");
  }
  return Outcome::pass();
}

}  // namespace

void register_client_exchange_cases(ClientRegistry& registry) {
  registry.add({{"exchange/1", "CEXCH-1", Level::kMust, "a correct server: each record answered at once", {}},
                [](ClientCaseContext& ctx) { return verify_completed(correct_exchange(ctx), ctx.timeout()); }});

  registry.add({{"exchange/2", "CEXCH-1", Level::kMust, "several records, one reply per read", {}},
                [](ClientCaseContext& ctx) {
                  ServeStyle style;
                  style.records_per_write = 1;
                  ClientRun run = correct_exchange(ctx, style);
                  if (auto na = needs_records(run, 2)) return *na;
                  return verify_completed(run, ctx.timeout());
                }});

  registry.add({{"exchange/3", "CEXCH-2", Level::kShould,
                 "half-closes after the last reply and waits for the server to close", {}},
                half_closes_and_waits});

  registry.add({{"exchange/4", "CEXCH-3", Level::kShould, "prints the replies on stdout", {}}, prints_replies});

  registry.add({{"exchange/5", "CEXCH-4", Level::kShould, "ends every record with a terminator", {}},
                terminates_records});
}

}  // namespace linespec::conformance
