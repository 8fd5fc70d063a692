// SPEC.md section 4: end of stream.
#include "section_cases.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {

void register_eof_cases(Registry& registry) {
  registry.add({"eof/1", "EOF-2", Level::kMust, "a final fragment at half-close is answered",
                [](CaseContext& ctx) {
                  if (ctx.profile().final_fragment != FinalFragment::kAnswer) {
                    return Outcome::not_applicable("the profile drops the final fragment");
                  }
                  return verify_replies(ctx, Exchange::whole("one\nabc"));
                }});

  registry.add({"eof/2", "EOF-3", Level::kMust, "a final fragment at half-close is dropped",
                [](CaseContext& ctx) {
                  if (ctx.profile().final_fragment != FinalFragment::kDrop) {
                    return Outcome::not_applicable("the profile answers the final fragment");
                  }
                  return verify_replies(ctx, Exchange::whole("one\nabc"));
                }});

  registry.add({"eof/3", "EOF-7", Level::kMust, "half-close without sending: the greeting, then the close",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange()); }});

  registry.add({"eof/4", "EOF-5", Level::kMust, "the server closes after the client half-closes",
                [](CaseContext& ctx) { return verify_closed(ctx, Exchange::whole("SOME DATA\n")); }});
}

}  // namespace linespec::conformance
