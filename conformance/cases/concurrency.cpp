// SPEC.md section 6: concurrency and isolation. Cases that need a concurrent
// server are N/A for a sequential one (by the profile, or measured under `any`).
// A case with many clients stops at the first that fails and lets the rest go,
// so it costs at most one inactivity timeout.
#include <string>
#include <vector>

#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

std::string client_label(std::size_t index, std::size_t count) {
  return "client " + std::to_string(index + 1) + " of " + std::to_string(count);
}

// Opens `count` clients and waits until each is served, then has each send one
// record and half-close. Fails at the first client that is not served or answered.
Outcome serve_many_at_once(CaseContext& ctx, std::size_t count) {
  ServedClients served = open_served_clients(ctx, count);
  if (served.failed) return *served.failed;
  std::vector<CheckedClient>& clients = served.clients;
  for (std::size_t i = 0; i < count; ++i) clients[i].send("client " + std::to_string(i) + "\n", false);
  for (std::size_t i = 0; i < count; ++i) {
    Outcome outcome = clients[i].finish();
    if (outcome.verdict != Verdict::kPass) return prefixed(outcome, client_label(i, count));
  }
  return Outcome::pass();
}

// How many clients a "many at once" case opens: `wanted`, or the capacity if smaller.
std::size_t bounded_by_capacity(const CaseContext& ctx, std::size_t wanted) {
  return ctx.profile().capacity ? std::min(wanted, *ctx.profile().capacity) : wanted;
}

}  // namespace

void register_concurrency_cases(Registry& registry) {
  registry.add({"concurrency/1", "CONC-1", Level::kMust, "a second client is served while the first is open",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  auto first = CheckedClient::connect(ctx);
                  if (!first) return connect_failure(first.error());
                  if (!first->await_service()) return prefixed(first->finish(), "the first client");
                  Outcome second = verify_replies(ctx, Exchange::whole("SOME DATA\n"));
                  if (second.verdict != Verdict::kPass) return prefixed(second, "while a first client was open");
                  first->send("SOME DATA\n");
                  return prefixed(first->finish(), "the first client");
                }});

  registry.add({"concurrency/2", "CONC-2", Level::kMust, "a fragment on one connection never joins another's bytes",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  auto first = CheckedClient::connect(ctx);
                  if (!first) return connect_failure(first.error());
                  if (!first->await_service()) return prefixed(first->finish(), "the first client");
                  if (!first->send("ab")) return prefixed(first->finish(), "the first client");
                  Outcome second = prefixed(verify_replies(ctx, Exchange::whole("cd\n")), "the second client");
                  if (second.verdict != Verdict::kPass) return second;
                  first->send("ef\n");
                  return prefixed(first->finish(), "the first client");
                }});

  registry.add({"concurrency/3", "CONC-3", Level::kMust, "replies go to the connection that sent the record",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  auto older = CheckedClient::connect(ctx);
                  if (!older) return connect_failure(older.error());
                  if (!older->await_service()) return prefixed(older->finish(), "the older client");
                  auto newer = CheckedClient::connect(ctx);
                  if (!newer) return connect_failure(newer.error());
                  if (!newer->await_service()) return prefixed(newer->finish(), "the newer client");
                  // The older connection speaks while the newer one is open, then both.
                  if (!older->send("from the older\n")) return prefixed(older->finish(), "the older client");
                  if (!newer->send("from the newer\n")) return prefixed(newer->finish(), "the newer client");
                  older->send("older again\n");
                  Outcome newer_outcome = prefixed(newer->finish(), "the newer client");
                  if (newer_outcome.verdict != Verdict::kPass) return newer_outcome;
                  return prefixed(older->finish(), "the older client");
                }});

  registry.add({"concurrency/4", "CONC-4", Level::kMust, "a waiting client is served once the first closes",
                [](CaseContext& ctx) {
                  auto first = CheckedClient::connect(ctx);
                  if (!first) return connect_failure(first.error());
                  if (!first->await_service()) return prefixed(first->finish(), "the first client");
                  auto waiting = CheckedClient::connect(ctx);
                  if (!waiting) return connect_failure(waiting.error());
                  first->send("SOME DATA\n");
                  Outcome first_outcome = prefixed(first->finish(), "the first client");
                  if (first_outcome.verdict != Verdict::kPass) return first_outcome;
                  waiting->send("SOME DATA\n");
                  return prefixed(waiting->finish(), "the client that waited");
                }});

  registry.add({"concurrency/5", "CONC-5", Level::kMust, "a client idle mid-record does not delay another's replies",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  auto idle = CheckedClient::connect(ctx);
                  if (!idle) return connect_failure(idle.error());
                  if (!idle->await_service()) return prefixed(idle->finish(), "the idle client");
                  if (!idle->send("half a rec")) return prefixed(idle->finish(), "the idle client");
                  Outcome other = prefixed(verify_replies(ctx, Exchange::whole("SOME DATA\n").staying_open()),
                                           "while another client was idle mid-record");
                  if (other.verdict != Verdict::kPass) return other;
                  idle->send("ord\n");
                  return prefixed(idle->finish(), "the idle client");
                }});

  registry.add({"concurrency/6", "CONC-5", Level::kMust, "a byte-by-byte client does not delay another's replies",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  auto slow = CheckedClient::connect(ctx);
                  auto fast = CheckedClient::connect(ctx);
                  if (!slow) return connect_failure(slow.error());
                  if (!fast) return connect_failure(fast.error());
                  if (!slow->await_service()) return prefixed(slow->finish(), "the slow client");
                  if (!fast->await_service()) return prefixed(fast->finish(), "the fast client");
                  const std::string line = "one byte at a time\n";
                  for (std::size_t i = 0; i < line.size(); ++i) {
                    if (!slow->send(line.substr(i, 1))) return prefixed(slow->finish(), "the slow client");
                    fast->send("fast " + std::to_string(i) + "\n");
                    if (!fast->await_replies()) {
                      return prefixed(fast->finish(harness::ClientEnd::kStaysOpen),
                                      "the fast client, while the other sent byte " + std::to_string(i + 1));
                    }
                  }
                  Outcome fast_outcome = prefixed(fast->finish(), "the fast client");
                  if (fast_outcome.verdict != Verdict::kPass) return fast_outcome;
                  return prefixed(slow->finish(), "the slow client");
                }});

  registry.add({"concurrency/7", "CONC-2", Level::kMust, "records cut mid-record, interleaved over 4 connections",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  std::vector<CheckedClient> clients;
                  for (std::size_t i = 0; i < 4; ++i) {
                    auto client = CheckedClient::connect(ctx);
                    if (!client) return connect_failure(client.error());
                    clients.push_back(std::move(*client));
                    if (!clients.back().await_service()) {
                      return prefixed(clients.back().finish(), client_label(i, 4));
                    }
                  }
                  // Round robin, three bytes at a time: every write ends mid-record.
                  for (std::size_t round = 0; round < 8; ++round) {
                    for (std::size_t i = 0; i < clients.size(); ++i) {
                      std::string piece = "c" + std::to_string(i) + "\r\n" + std::to_string(round) + "x\n";
                      if (!clients[i].send(piece.substr(0, 3)) || !clients[i].send(piece.substr(3))) {
                        return prefixed(clients[i].finish(), client_label(i, 4));
                      }
                    }
                  }
                  for (std::size_t i = 0; i < clients.size(); ++i) {
                    Outcome outcome = clients[i].finish();
                    if (outcome.verdict != Verdict::kPass) return prefixed(outcome, client_label(i, 4));
                  }
                  return Outcome::pass();
                }});

  registry.add({"concurrency/8", "CONC-3", Level::kMust, "8 connections in lock step each get their own replies",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  std::size_t count = bounded_by_capacity(ctx, 8);
                  ServedClients served = open_served_clients(ctx, count);
                  if (served.failed) return *served.failed;
                  std::vector<CheckedClient>& clients = served.clients;
                  for (std::size_t round = 0; round < 4; ++round) {
                    for (std::size_t i = 0; i < count; ++i) {
                      if (!clients[i].send("conn " + std::to_string(i) + " round " + std::to_string(round) + "\n")) {
                        return prefixed(clients[i].finish(), client_label(i, count));
                      }
                    }
                    for (std::size_t i = 0; i < count; ++i) {
                      if (!clients[i].await_replies()) {
                        return prefixed(clients[i].finish(harness::ClientEnd::kStaysOpen), client_label(i, count));
                      }
                    }
                  }
                  for (std::size_t i = 0; i < count; ++i) {
                    Outcome outcome = clients[i].finish();
                    if (outcome.verdict != Verdict::kPass) return prefixed(outcome, client_label(i, count));
                  }
                  return Outcome::pass();
                },
                /*exclusive=*/true});

  registry.add({"concurrency/9", "CONC-6", Level::kShould, "16 clients open at once are each served",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  return serve_many_at_once(ctx, bounded_by_capacity(ctx, 16));
                },
                /*exclusive=*/true});

  registry.add({"concurrency/10", "CONC-7", Level::kMust, "200 clients open at once are each served",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  return serve_many_at_once(ctx, bounded_by_capacity(ctx, 200));
                },
                /*exclusive=*/true});
}

}  // namespace linespec::conformance
