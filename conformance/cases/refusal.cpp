// SPEC.md section 8: refusal. Only with a known capacity N (the profile's
// `capacity`); N/A otherwise. Every case runs alone (exclusive), since its verdict
// depends on how many connections the server has open. The model knows nothing of
// refusal, so the replay scripts are judged by their own steps only.
#include <chrono>
#include <string>
#include <vector>

#include "byte_text.hpp"
#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kPromptRefusal{250};

// The capacity's worth of served clients, open.
ServedClients fill(CaseContext& ctx) { return open_served_clients(ctx, *ctx.profile().capacity); }

// What a client turned away at capacity saw: everything until the server ended the
// connection (or the inactivity timeout), and how long that took.
struct Refused {
  harness::SessionResult result;
  std::chrono::milliseconds took{0};
};

Result<Refused> connect_when_full(CaseContext& ctx, std::string_view send) {
  auto session = ctx.open_session();
  if (!session) return session.error();
  auto start = Clock::now();
  if (!send.empty()) session->send(send, false);
  session->expect(std::string::npos);  // until the server ends the connection, or silence
  Refused refused;
  refused.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  refused.result = session->finish();
  return refused;
}

std::optional<Outcome> unless_capacity(CaseContext& ctx) {
  ctx.recording().script.oracle = harness::Oracle::kScriptOnly;
  if (!ctx.profile().capacity) return Outcome::not_applicable("the profile states no capacity");
  if (*ctx.profile().capacity == 0) return Outcome::not_applicable("the profile's capacity is 0");
  return std::nullopt;
}

std::string capacity_text(const CaseContext& ctx) {
  return "with the capacity of " + std::to_string(*ctx.profile().capacity) + " clients open";
}

bool ended_by_server(const harness::SessionResult& result) {
  return result.ending == harness::Ending::kPeerClosed || result.ending == harness::Ending::kPeerReset;
}

}  // namespace

void register_refusal_cases(Registry& registry) {
  registry.add({"refusal/1", "REFUSE-1", Level::kMust, "at capacity, a client gets the refusal line, then the close",
                [](CaseContext& ctx) {
                  if (auto none = unless_capacity(ctx)) return *none;
                  ServedClients full = fill(ctx);
                  if (full.failed) return *full.failed;
                  auto refused = connect_when_full(ctx, {});
                  if (!refused) return connect_failure(refused.error());
                  const std::string& got = refused->result.received;
                  const std::string& marker = ctx.profile().refusal_marker;
                  std::string expected = "a line containing " + describe_bytes(marker).text + ", then the close";
                  if (got.find(marker) == std::string::npos) {
                    return failure_with("no refusal line " + capacity_text(ctx), "nothing", expected,
                                        describe_bytes(got).text + ", " +
                                            std::string(harness::to_string(refused->result.ending)));
                  }
                  if (!ended_by_server(refused->result)) {
                    return failure_with("the refused connection was not closed", "nothing", expected,
                                        describe_bytes(got).text + ", then the connection stayed open");
                  }
                  return Outcome::pass();
                },
                /*exclusive=*/true});

  registry.add({"refusal/2", "REFUSE-2", Level::kMust, "a refused client gets no greeting and no replies",
                [](CaseContext& ctx) {
                  if (auto none = unless_capacity(ctx)) return *none;
                  ServedClients full = fill(ctx);
                  if (full.failed) return *full.failed;
                  auto refused = connect_when_full(ctx, "SOME DATA\n");
                  if (!refused) return connect_failure(refused.error());
                  const std::string& got = refused->result.received;
                  std::size_t eol = got.find('\n');
                  bool one_line = eol != std::string::npos && eol + 1 == got.size();
                  if (!one_line || got.find(ctx.profile().refusal_marker) == std::string::npos) {
                    return failure_with("a refused client must see the refusal line and nothing else",
                                        "\"SOME DATA\\n\" " + capacity_text(ctx),
                                        "one line containing " + describe_bytes(ctx.profile().refusal_marker).text,
                                        describe_bytes(got).text);
                  }
                  return Outcome::pass();
                },
                /*exclusive=*/true});

  registry.add({"refusal/3", "REFUSE-3", Level::kMust, "up to the capacity, clients are served at once",
                [](CaseContext& ctx) {
                  if (auto none = unless_capacity(ctx)) return *none;
                  ServedClients full = fill(ctx);
                  if (full.failed) return *full.failed;
                  for (std::size_t i = 0; i < full.clients.size(); ++i) {
                    full.clients[i].send("SOME DATA\n", false);
                  }
                  for (std::size_t i = 0; i < full.clients.size(); ++i) {
                    Outcome outcome = full.clients[i].finish();
                    if (outcome.verdict != Verdict::kPass) return prefixed(outcome, "client " + std::to_string(i + 1));
                  }
                  return Outcome::pass();
                },
                /*exclusive=*/true});

  registry.add({"refusal/4", "REFUSE-4", Level::kMust, "once a served client closes, a new one is served",
                [](CaseContext& ctx) {
                  if (auto none = unless_capacity(ctx)) return *none;
                  ServedClients full = fill(ctx);
                  if (full.failed) return *full.failed;
                  // Its close is complete once the server closed its side too.
                  Outcome closed = prefixed(full.clients.back().finish(), "the client that left");
                  if (closed.verdict != Verdict::kPass) return closed;
                  return verify_still_serving(ctx, "one of the clients at capacity closed");
                },
                /*exclusive=*/true});

  registry.add({"refusal/5", "REFUSE-5", Level::kShould, "a refused client is closed within 250 ms, unasked",
                [](CaseContext& ctx) {
                  if (auto none = unless_capacity(ctx)) return *none;
                  ServedClients full = fill(ctx);
                  if (full.failed) return *full.failed;
                  auto refused = connect_when_full(ctx, {});
                  if (!refused) return connect_failure(refused.error());
                  if (!ended_by_server(refused->result) || refused->took > kPromptRefusal) {
                    return failure_with("the refused connection was not closed promptly", "nothing",
                                        "the close within " + std::to_string(kPromptRefusal.count()) + " ms",
                                        std::string(harness::to_string(refused->result.ending)) + " after " +
                                            std::to_string(refused->took.count()) + " ms");
                  }
                  return Outcome::pass();
                },
                /*exclusive=*/true});
}

}  // namespace linespec::conformance
