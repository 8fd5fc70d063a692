// SPEC.md section 1: the greeting.
#include "section_cases.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {

void register_greeting_cases(Registry& registry) {
  registry.add({"greeting/1", "GREET-1", Level::kMust,
                "the greeting line, exact bytes, before any client byte",
                [](CaseContext& ctx) { return verify_greeting(ctx); }});

  registry.add({"greeting/2", "GREET-3", Level::kMust, "without a greeting, the first bytes are a reply",
                [](CaseContext& ctx) {
                  if (ctx.profile().greeting) return Outcome::not_applicable("the profile has a greeting");
                  return verify_replies(ctx, Exchange::whole("SOME DATA\n"));
                }});

  registry.add({"greeting/3", "GREET-4", Level::kMust, "every new connection gets its own greeting",
                [](CaseContext& ctx) {
                  if (!ctx.profile().greeting) return Outcome::not_applicable("the profile has no greeting");
                  Outcome first = verify_replies(ctx, Exchange::whole("SOME DATA\n"));
                  if (first.verdict != Verdict::kPass) return first;
                  return verify_greeting(ctx);
                }});
}

}  // namespace linespec::conformance
