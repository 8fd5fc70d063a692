// SPEC.md section 5: abrupt close. Each case ends one connection badly (a full close
// or a reset, at each stage of a conversation), then checks with a new client that
// the server still serves, from a clean state.
#include <string>

#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

using harness::CloseMode;
using harness::Step;

std::string_view mode_name(CloseMode mode) { return mode == CloseMode::kReset ? "reset" : "closed"; }

// The greeting is read first (when there is one), then `mode` ends the connection.
harness::Plan after_greeting(const Profile& profile, CloseMode mode) {
  harness::Plan plan;
  if (profile.greeting) plan.push_back(Step::expect(profile.greeting_line().size()));
  plan.push_back(Step::close(mode));
  return plan;
}

// One byte short of the limit: joined with the next client's "ab\n", a leftover
// would make two records instead of one, even for ack replies.
std::string leftover_fragment(const Profile& profile) {
  std::size_t n = profile.max_record;
  return n > 1 ? std::string(n - 1, 'L') : std::string("leftover");
}

Outcome clean_after_mid_record(CaseContext& ctx, CloseMode mode) {
  std::string what = "a client " + std::string(mode_name(mode)) + " mid-record";
  harness::SessionResult ended = ctx.run_session({Step::send(leftover_fragment(ctx.profile())), Step::close(mode)});
  if (auto stalled = misbehaving_client_stalled(ended, what)) return *stalled;
  return prefixed(verify_replies(ctx, Exchange::whole("ab\n")), "after " + what + ", the next client");
}

std::string unread_records(int count) {
  std::string bytes;
  for (int i = 0; i < count; ++i) bytes += "unread\n";
  return bytes;
}

}  // namespace

void register_close_cases(Registry& registry) {
  registry.add({"close/1", "CLOSE-2", Level::kMust, "a client closes before reading the greeting",
                [](CaseContext& ctx) {
                  return verify_still_serving_after(ctx, {Step::close(CloseMode::kFull)},
                                                    "a client connected and closed at once");
                }});

  registry.add({"close/2", "CLOSE-1", Level::kMust, "a client resets before reading the greeting",
                [](CaseContext& ctx) {
                  return verify_still_serving_after(ctx, {Step::close(CloseMode::kReset)},
                                                    "a client connected and reset at once");
                }});

  registry.add({"close/3", "CLOSE-2", Level::kMust, "a client closes after the greeting, having sent nothing",
                [](CaseContext& ctx) {
                  return verify_still_serving_after(ctx, after_greeting(ctx.profile(), CloseMode::kFull),
                                                    "a greeted client closed without sending");
                }});

  registry.add({"close/4", "CLOSE-1", Level::kMust, "a client resets after the greeting, having sent nothing",
                [](CaseContext& ctx) {
                  return verify_still_serving_after(ctx, after_greeting(ctx.profile(), CloseMode::kReset),
                                                    "a greeted client reset without sending");
                }});

  registry.add({"close/5", "CLOSE-4", Level::kMust, "a close mid-record leaves no fragment for the next client",
                [](CaseContext& ctx) { return clean_after_mid_record(ctx, CloseMode::kFull); }});

  registry.add({"close/6", "CLOSE-4", Level::kMust, "a reset mid-record leaves no fragment for the next client",
                [](CaseContext& ctx) { return clean_after_mid_record(ctx, CloseMode::kReset); }});

  registry.add({"close/7", "CLOSE-3", Level::kMust, "a client closes with replies unread",
                [](CaseContext& ctx) {
                  return verify_still_serving_after(
                      ctx, {Step::send(unread_records(100), false), Step::close(CloseMode::kFull)},
                      "a client closed with replies unread");
                }});

  registry.add({"close/8", "CLOSE-3", Level::kMust, "a client resets with replies unread",
                [](CaseContext& ctx) {
                  return verify_still_serving_after(
                      ctx, {Step::send(unread_records(100)), Step::close(CloseMode::kReset)},
                      "a client reset with replies unread");
                }});

  registry.add({"close/9", "CLOSE-3", Level::kMust, "a client half-closes, then resets before reading",
                [](CaseContext& ctx) {
                  auto session = ctx.open_session();
                  if (!session) return connect_failure(session.error());
                  session->send(unread_records(100));
                  // Not session->close(kHalfClose): that would read until the server closes.
                  static_cast<void>(session->session().connection().shutdown_write());
                  session->close(CloseMode::kReset);
                  const char* what = "a client half-closed and then reset";
                  if (auto stalled = misbehaving_client_stalled(session->finish(), what)) return *stalled;
                  return verify_still_serving(ctx, what);
                }});

  registry.add({"close/10", "CLOSE-3", Level::kMust, "a client resets while the server writes 1 MiB of replies",
                [](CaseContext& ctx) {
                  // The server is still writing when the reset arrives: its next write
                  // fails (EPIPE, ECONNRESET), which must not end the server.
                  std::string bytes;
                  for (int i = 0; i < 50000; ++i) bytes += "r\n";
                  return verify_still_serving_after(ctx, {Step::send(bytes, false), Step::close(CloseMode::kReset)},
                                                    "a client reset while its replies were being written");
                }});

  registry.add({"close/11", "CLOSE-5", Level::kShould, "100 resets in a row, then a client is served",
                [](CaseContext& ctx) {
                  std::size_t count = 100;
                  if (ctx.profile().capacity) count = std::max(count, *ctx.profile().capacity + 10);
                  for (std::size_t i = 0; i < count; ++i) {
                    harness::SessionResult result =
                        ctx.run_session({Step::send("abc\n"), Step::close(CloseMode::kReset)});
                    if (auto stalled = misbehaving_client_stalled(result, "reset " + std::to_string(i + 1))) {
                      return *stalled;
                    }
                  }
                  return verify_still_serving(ctx, std::to_string(count) + " clients reset");
                }});
}

}  // namespace linespec::conformance
