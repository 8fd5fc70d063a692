// SPEC.md section 6: concurrency and isolation. Cases that need a concurrent
// server are N/A for a sequential one (by the profile, or measured under `any`).
#include <optional>
#include <string>

#include "section_cases.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {
namespace {

// N/A unless concurrency cases apply; an unreachable target is a failure.
std::optional<Outcome> unless_concurrent(CaseContext& ctx) {
  auto applies = ctx.concurrency_applies();
  if (!applies) return connect_failure(applies.error());
  if (*applies) return std::nullopt;
  if (ctx.profile().concurrency == Concurrency::kSequential) {
    return Outcome::not_applicable("the profile says the server is sequential");
  }
  return Outcome::not_applicable("a second client was not served while the first was open: a sequential server");
}

// The first failing outcome of several clients, else a pass.
Outcome first_failure(std::initializer_list<Outcome> outcomes) {
  for (const Outcome& outcome : outcomes) {
    if (outcome.verdict != Verdict::kPass) return outcome;
  }
  return Outcome::pass();
}

}  // namespace

void register_concurrency_cases(Registry& registry) {
  registry.add({"concurrency/1", "CONC-1", Level::kMust, "a second client is served while the first is open",
                [](CaseContext& ctx) {
                  if (auto not_applicable = unless_concurrent(ctx)) return *not_applicable;
                  auto first = CheckedClient::connect(ctx);
                  if (!first) return connect_failure(first.error());
                  first->await_service();
                  Outcome second = verify_replies(ctx, Exchange::whole("SOME DATA\n"));
                  if (second.verdict != Verdict::kPass) {
                    second.message = "while a first client was open: " + second.message;
                    return second;
                  }
                  first->send("SOME DATA\n");
                  return first->finish();
                }});

  registry.add({"concurrency/2", "CONC-2", Level::kMust, "a fragment on one connection never joins another's bytes",
                [](CaseContext& ctx) {
                  if (auto not_applicable = unless_concurrent(ctx)) return *not_applicable;
                  auto first = CheckedClient::connect(ctx);
                  if (!first) return connect_failure(first.error());
                  first->await_service();
                  first->send("ab");
                  Outcome second = verify_replies(ctx, Exchange::whole("cd\n"));
                  first->send("ef\n");
                  return first_failure({second, first->finish()});
                }});

  registry.add({"concurrency/3", "CONC-3", Level::kMust, "replies go to the connection that sent the record",
                [](CaseContext& ctx) {
                  if (auto not_applicable = unless_concurrent(ctx)) return *not_applicable;
                  auto older = CheckedClient::connect(ctx);
                  if (!older) return connect_failure(older.error());
                  older->await_service();
                  auto newer = CheckedClient::connect(ctx);
                  if (!newer) return connect_failure(newer.error());
                  newer->await_service();
                  // The older connection speaks while the newer one is open, then both.
                  older->send("from the older\n");
                  newer->send("from the newer\n");
                  older->send("older again\n");
                  Outcome newer_outcome = newer->finish();
                  return first_failure({older->finish(), newer_outcome});
                }});

  registry.add({"concurrency/4", "CONC-4", Level::kMust, "a waiting client is served once the first closes",
                [](CaseContext& ctx) {
                  auto first = CheckedClient::connect(ctx);
                  if (!first) return connect_failure(first.error());
                  first->await_service();
                  auto waiting = CheckedClient::connect(ctx);
                  if (!waiting) return connect_failure(waiting.error());
                  first->send("SOME DATA\n");
                  Outcome first_outcome = first->finish();
                  waiting->send("SOME DATA\n");
                  return first_failure({first_outcome, waiting->finish()});
                }});
}

}  // namespace linespec::conformance
