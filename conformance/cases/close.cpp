// SPEC.md section 5: abrupt close. Each case ends one connection badly, then checks
// with a new client that the server still serves.
#include <string>

#include "section_cases.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {
namespace {

using harness::CloseMode;
using harness::Step;

// Runs `plan` (whatever arrives is fine: the client misbehaves), then checks that
// a new client is served.
Outcome still_serving_after(CaseContext& ctx, const harness::Plan& plan, std::string_view what) {
  harness::SessionResult result = ctx.run_session(plan);
  if (result.ending == harness::Ending::kError && result.error && result.received.empty()) {
    return connect_failure(*result.error);
  }
  return verify_still_serving(ctx, what);
}

}  // namespace

void register_close_cases(Registry& registry) {
  registry.add({"close/1", "CLOSE-1", Level::kMust, "a client resets mid-record; a new client is served",
                [](CaseContext& ctx) {
                  return still_serving_after(ctx, {Step::send("abc"), Step::close(CloseMode::kReset)},
                                             "a client reset mid-record");
                }});

  registry.add({"close/2", "CLOSE-2", Level::kMust, "a client connects and closes at once; a new client is served",
                [](CaseContext& ctx) {
                  return still_serving_after(ctx, {Step::close(CloseMode::kFull)},
                                             "a client connected and closed at once");
                }});

  registry.add({"close/3", "CLOSE-3", Level::kMust, "a client closes with replies unread; a new client is served",
                [](CaseContext& ctx) {
                  std::string bytes;
                  for (int i = 0; i < 100; ++i) bytes += "unread\n";
                  return still_serving_after(ctx, {Step::send(bytes, false), Step::close(CloseMode::kFull)},
                                             "a client closed with replies unread");
                }});

  registry.add({"close/4", "CLOSE-4", Level::kMust, "a reset mid-record leaves no fragment for the next client",
                [](CaseContext& ctx) {
                  // One byte short of the limit: joined with the next client's "ab\n", a
                  // leftover would make two records instead of one, even for ack replies.
                  std::size_t n = ctx.profile().max_record;
                  std::string leftover = n > 1 ? std::string(n - 1, 'L') : std::string("leftover");
                  harness::SessionResult reset =
                      ctx.run_session({Step::send(leftover), Step::close(CloseMode::kReset)});
                  if (reset.ending == harness::Ending::kError && reset.error && reset.received.empty()) {
                    return connect_failure(*reset.error);
                  }
                  return verify_replies(ctx, Exchange::whole("ab\n"));
                }});
}

}  // namespace linespec::conformance
