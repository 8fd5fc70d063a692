// CLIENT-SPEC.md section 5: the server ends the exchange early, or first.
#include "linespec/conformance/client/verdicts.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

enum class Ending { kClose, kReset };

// Greets, waits for the first record, sends `part` of its reply (0: none, 1: half),
// then closes or resets.
Outcome ends_mid_exchange(ClientCaseContext& ctx, bool half_a_reply, Ending ending, std::string_view because) {
  ClientSession& s = ctx.start();
  s.send_greeting();
  if (s.await_owed() && half_a_reply) {
    OwedReplies first = s.take_owed(1);
    s.send(std::string_view(first.bytes).substr(0, first.bytes.size() / 2));
  }
  ending == Ending::kClose ? s.close() : s.reset();
  return verify_gave_up(s.finish(), ctx.timeout(), because, false);
}

Outcome answers_one_then_closes(ClientCaseContext& ctx) {
  ClientSession& s = ctx.start();
  s.send_greeting();
  if (s.await_owed()) s.answer(s.take_owed(1));
  if (s.await_owed()) {
    s.close();
  } else {
    s.serve();  // a single record: the exchange ends normally
  }
  ClientRun run = s.finish();
  if (auto na = needs_records(run, 2)) return *na;
  return verify_gave_up(run, ctx.timeout(), "the server closed after answering only its first record", false);
}

// Answers everything, and once the client has paused, closes its side first.
Outcome server_closes_first(ClientCaseContext& ctx) {
  ClientSession& s = ctx.start();
  s.send_greeting();
  if (s.await_owed()) {
    do {
      s.answer(s.take_owed());
      s.await_quiet(quiet_period(ctx.timeout()));
    } while (s.owes_replies());
  }
  std::size_t answered = s.records();
  s.half_close();
  ClientRun run = s.finish();
  if (run.records > answered) {
    // It had more to send: the early close left records unanswered.
    return verify_gave_up(run, ctx.timeout(), "the server closed before its later records", false);
  }
  return verify_completed(run, ctx.timeout());
}

}  // namespace

void register_client_close_cases(ClientRegistry& registry) {
  registry.add({{"close/1", "CCLOSE-1", Level::kMust, "the server closes without answering", {}},
                [](ClientCaseContext& ctx) {
                  return ends_mid_exchange(ctx, false, Ending::kClose, "the server closed without answering");
                }});

  registry.add({{"close/2", "CCLOSE-1", Level::kMust, "the server answers the first record only, then closes", {}},
                answers_one_then_closes});

  registry.add({{"close/3", "CCLOSE-2", Level::kMust, "the server closes in the middle of a reply", {}},
                [](ClientCaseContext& ctx) {
                  return ends_mid_exchange(ctx, true, Ending::kClose, "the server closed in the middle of a reply");
                }});

  registry.add({{"close/4", "CCLOSE-3", Level::kMust, "the server resets instead of answering", {}},
                [](ClientCaseContext& ctx) {
                  return ends_mid_exchange(ctx, false, Ending::kReset, "the server reset the connection");
                }});

  registry.add({{"close/5", "CCLOSE-3", Level::kMust, "the server resets in the middle of a reply", {}},
                [](ClientCaseContext& ctx) {
                  return ends_mid_exchange(ctx, true, Ending::kReset, "the server reset the connection mid-reply");
                }});

  registry.add({{"close/6", "CCLOSE-4", Level::kMust, "the server closes first, right after the last reply", {}},
                server_closes_first});
}

}  // namespace linespec::conformance
