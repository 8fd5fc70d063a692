// SPEC.md section 1: the greeting.
#include <chrono>
#include <string>

#include "byte_text.hpp"
#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

constexpr std::chrono::milliseconds kPromptGreeting{250};

std::optional<Outcome> unless_greeting(CaseContext& ctx) {
  if (!ctx.profile().greeting) return Outcome::not_applicable("the profile has no greeting");
  return std::nullopt;
}

}  // namespace

void register_greeting_cases(Registry& registry) {
  registry.add({"greeting/1", "GREET-2", Level::kMust, "the greeting arrives before the client sends a byte",
                [](CaseContext& ctx) { return verify_greeting(ctx); }});

  registry.add({"greeting/2", "GREET-1", Level::kMust, "exactly the greeting line, then the first reply",
                [](CaseContext& ctx) {
                  if (auto none = unless_greeting(ctx)) return *none;
                  return verify_replies(ctx, Exchange::whole("SOME DATA\n").after_greeting().staying_open());
                }});

  registry.add({"greeting/3", "GREET-1", Level::kMust, "a client that writes at once still gets the greeting first",
                [](CaseContext& ctx) {
                  if (auto none = unless_greeting(ctx)) return *none;
                  return verify_replies(ctx, Exchange::whole("SOME DATA\n"));
                }});

  registry.add({"greeting/4", "GREET-3", Level::kMust, "without a greeting, the first bytes are a reply",
                [](CaseContext& ctx) {
                  if (ctx.profile().greeting) return Outcome::not_applicable("the profile has a greeting");
                  return verify_replies(ctx, Exchange::whole("SOME DATA\n").staying_open());
                }});

  registry.add({"greeting/5", "GREET-4", Level::kMust, "every new connection gets its own greeting",
                [](CaseContext& ctx) {
                  if (auto none = unless_greeting(ctx)) return *none;
                  Outcome first = verify_replies(ctx, Exchange::whole("SOME DATA\n"));
                  if (first.verdict != Verdict::kPass) return prefixed(first, "first client");
                  return prefixed(verify_greeting(ctx), "second client");
                }});

  registry.add({"greeting/6", "GREET-4", Level::kMust, "8 clients open at once are each greeted once",
                [](CaseContext& ctx) {
                  if (auto none = unless_greeting(ctx)) return *none;
                  if (auto none = unless_concurrent(ctx)) return *none;
                  std::size_t count = ctx.profile().capacity ? std::min<std::size_t>(8, *ctx.profile().capacity) : 8;
                  // Each is greeted before the next connects (so a small listen backlog
                  // is not what this checks); all stay open, and each must see exactly one
                  // greeting, however many others connected after it.
                  ServedClients served = open_served_clients(ctx, count);
                  if (served.failed) return *served.failed;
                  std::vector<CheckedClient>& clients = served.clients;
                  for (std::size_t i = 0; i < clients.size(); ++i) {
                    clients[i].send("SOME DATA\n");
                    Outcome outcome = clients[i].finish();
                    if (outcome.verdict != Verdict::kPass) {
                      return prefixed(outcome, "client " + std::to_string(i + 1) + " of " + std::to_string(count));
                    }
                  }
                  return Outcome::pass();
                },
                /*exclusive=*/true});

  registry.add({"greeting/7", "GREET-5", Level::kShould, "the greeting arrives within 250 ms",
                [](CaseContext& ctx) {
                  if (auto none = unless_greeting(ctx)) return *none;
                  auto session = ctx.open_session();
                  if (!session) return connect_failure(session.error());
                  std::size_t size = ctx.profile().greeting_line().size();
                  auto start = std::chrono::steady_clock::now();
                  bool arrived = session->expect(size) && session->received().size() >= size;
                  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start);
                  session->finish();
                  if (!arrived) {
                    return failure_with("no greeting within the inactivity timeout", "nothing",
                                        "the greeting within " + std::to_string(kPromptGreeting.count()) + " ms",
                                        "no greeting");
                  }
                  if (took > kPromptGreeting) {
                    return failure_with("the greeting took " + std::to_string(took.count()) + " ms", "nothing",
                                        "the greeting within " + std::to_string(kPromptGreeting.count()) + " ms",
                                        "the greeting after " + std::to_string(took.count()) + " ms");
                  }
                  return Outcome::pass();
                }});

  registry.add({"greeting/8", "GREET-6", Level::kMust, "a lone client is served, not refused",
                [](CaseContext& ctx) {
                  const std::string& marker = ctx.profile().refusal_marker;
                  if (marker.empty() || ctx.profile().greeting_line().find(marker) != std::string::npos) {
                    return Outcome::not_applicable("the greeting itself contains the refusal marker");
                  }
                  Exchange exchange = Exchange::whole("SOME DATA\n").staying_open();
                  harness::SessionResult result = ctx.run_session(plan_for(exchange, ctx.profile()));
                  std::size_t eol = result.received.find('\n');
                  std::string first_line = result.received.substr(0, eol == std::string::npos ? eol : eol + 1);
                  if (first_line.find(marker) != std::string::npos) {
                    return failure_with("the first line contains the refusal marker " + describe_bytes(marker).text,
                                        exchange.describe(), "the greeting or a reply",
                                        "a refusal: " + describe_bytes(first_line).text);
                  }
                  return check_replies(result, exchange, expectation_for(exchange, ctx.profile()), ctx.profile());
                }});
}

}  // namespace linespec::conformance
