// CLIENT-SPEC.md section 2: the greeting.
#include <algorithm>

#include "linespec/conformance/client/verdicts.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

constexpr std::size_t kEndlessLine = 16u << 20;  // 16 MiB

std::optional<Outcome> needs_greeting(const ClientCaseContext& ctx) {
  if (ctx.profile().greeting) return std::nullopt;
  return Outcome::not_applicable("the profile has no greeting");
}

// The greeting cut as `sizes` say (after a pause), then a correct server: the client
// must send nothing before the greeting is complete and then go through.
Outcome greeting_then_exchange(ClientCaseContext& ctx, const std::vector<std::size_t>& sizes,
                               std::chrono::milliseconds pause = {}) {
  if (auto na = needs_greeting(ctx)) return *na;
  ClientSession& s = ctx.start();
  if (pause.count() > 0) s.pause(pause);
  s.send_greeting(sizes);
  s.serve();
  ClientRun run = s.finish();
  if (run.sent_before_greeting.value_or(0) > 0) {
    return client_failure("the client sent " + std::to_string(*run.sent_before_greeting) +
                              " bytes before the greeting line was complete",
                          run, "nothing until the whole greeting line has arrived, then the exchange, exit 0");
  }
  return verify_completed(run, ctx.timeout());
}

// The server ends the connection before a whole greeting line: `partial` bytes of it,
// then a close or a reset.
Outcome ends_before_greeting(ClientCaseContext& ctx, std::size_t partial, bool reset, std::string_view because) {
  if (auto na = needs_greeting(ctx)) return *na;
  ClientSession& s = ctx.start();
  if (partial > 0) s.send(ctx.profile().greeting_line().substr(0, partial));
  reset ? s.reset() : s.close();
  return verify_gave_up(s.finish(), ctx.timeout(), because, false);
}

// A first line that is neither the greeting nor a refusal, and the connection stays open.
Outcome wrong_first_line(ClientCaseContext& ctx, std::string line) {
  if (auto na = needs_greeting(ctx)) return *na;
  if (line == ctx.profile().greeting_line()) line = "welcome\n";
  ClientSession& s = ctx.start();
  s.send(line);
  return verify_gave_up(s.finish(), ctx.timeout(), "the first line was not the greeting", true);
}

}  // namespace

void register_client_greeting_cases(ClientRegistry& registry) {
  registry.add({{"greeting/1", "CGREET-1", Level::kMust, "the greeting split in two reads", {}},
                [](ClientCaseContext& ctx) {
                  std::size_t half = std::max<std::size_t>(1, ctx.profile().greeting_line().size() / 2);
                  return greeting_then_exchange(ctx, {half});
                }});

  registry.add({{"greeting/2", "CGREET-1", Level::kMust, "the greeting byte by byte", {}},
                [](ClientCaseContext& ctx) {
                  return greeting_then_exchange(ctx, std::vector<std::size_t>(ctx.profile().greeting_line().size(), 1));
                }});

  registry.add({{"greeting/3", "CGREET-1", Level::kMust, "a late greeting (T/10): nothing sent before it", {}},
                [](ClientCaseContext& ctx) { return greeting_then_exchange(ctx, {}, slow_pause(ctx.timeout())); }});

  registry.add({{"greeting/4", "CGREET-2", Level::kMust, "no greeting: the server stays silent", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_greeting(ctx)) return *na;
                  return verify_gave_up(ctx.start().finish(), ctx.timeout(), "no greeting ever came", false);
                }});

  registry.add({{"greeting/5", "CGREET-3", Level::kMust, "the server closes before the greeting", {}},
                [](ClientCaseContext& ctx) {
                  return ends_before_greeting(ctx, 0, false, "the server closed before the greeting");
                }});

  registry.add({{"greeting/6", "CGREET-3", Level::kMust, "the server resets before the greeting", {}},
                [](ClientCaseContext& ctx) {
                  return ends_before_greeting(ctx, 0, true, "the server reset the connection before the greeting");
                }});

  registry.add({{"greeting/7", "CGREET-3", Level::kMust, "the server closes in the middle of the greeting", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_greeting(ctx)) return *na;
                  std::size_t half = ctx.profile().greeting_line().size() / 2;
                  if (half == 0) return Outcome::not_applicable("the greeting line is a lone newline");
                  return ends_before_greeting(ctx, half, false, "the server closed in the middle of the greeting");
                }});

  registry.add({{"greeting/8", "CGREET-4", Level::kMust, "a greeting line without end (16 MiB, no newline)", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_greeting(ctx)) return *na;
                  ClientSession& s = ctx.start();
                  bool took_it_all = s.flood('A', kEndlessLine);
                  s.close();
                  ClientRun run = s.finish();
                  if (took_it_all) {
                    return client_failure("the client read 16 MiB of one line without giving up", run,
                                          "the client gives up before 16 MiB, exits non-zero, sends nothing");
                  }
                  return verify_gave_up(run, ctx.timeout(), "the greeting line never ended", true);
                }});

  registry.add({{"greeting/9", "CGREET-5", Level::kShould, "a wrong first line (\"hello\")", {}},
                [](ClientCaseContext& ctx) { return wrong_first_line(ctx, "hello\n"); }});

  registry.add({{"greeting/10", "CGREET-5", Level::kShould, "binary garbage instead of the greeting", {}},
                [](ClientCaseContext& ctx) {
                  return wrong_first_line(ctx, std::string("\x00\xff\xfe\x80garbage\x01\x7f\n", 14));
                }});
}

}  // namespace linespec::conformance
