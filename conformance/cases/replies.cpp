// SPEC.md section 3: replies.
#include <string>

#include "section_cases.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {

void register_replies_cases(Registry& registry) {
  registry.add({"replies/1", "REPLY-6", Level::kShould, "a record is answered before the client half-closes",
                [](CaseContext& ctx) {
                  return verify_replies(ctx, Exchange::whole("SOME DATA\n").staying_open());
                }});

  registry.add({"replies/2", "REPLY-7", Level::kMust, "50 pipelined records are all answered in order",
                [](CaseContext& ctx) {
                  std::string bytes;
                  for (int i = 0; i < 50; ++i) bytes += "record " + std::to_string(i) + "\n";
                  return verify_replies(ctx, Exchange::whole(bytes));
                }});
}

}  // namespace linespec::conformance
