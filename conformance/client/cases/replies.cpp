// CLIENT-SPEC.md section 4: replies.
#include "linespec/conformance/client/verdicts.hpp"
#include "linespec/harness/transcript.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

// 8 does not divide the seed ack line (21 bytes): reply boundaries fall inside writes.
constexpr std::size_t kOddWrite = 8;

Outcome served_in_style(ClientCaseContext& ctx, const ServeStyle& style) {
  ClientSession& s = ctx.start();
  s.send_greeting();
  s.serve(style);
  return verify_completed(s.finish(), ctx.timeout());
}

std::optional<Outcome> needs_ack(const ClientCaseContext& ctx) {
  if (ctx.profile().reply == ReplyKind::kAck) return std::nullopt;
  return Outcome::not_applicable("the profile's replies are not ack lines");
}

// A line that is not the ack line.
std::string wrong_ack(const Profile& profile) {
  return profile.ack_text == "Wrong Reply" ? "Other Reply\n" : "Wrong Reply\n";
}

// The server serves with `style` (which spoils the replies); the client must notice.
Outcome spoiled_replies(ClientCaseContext& ctx, const ServeStyle& style, std::string_view because) {
  ClientSession& s = ctx.start();
  s.send_greeting();
  s.serve(style);
  return verify_gave_up(s.finish(), ctx.timeout(), because, false);
}

}  // namespace

void register_client_replies_cases(ClientRegistry& registry) {
  registry.add({{"replies/1", "CREPLY-1", Level::kMust, "each reply byte by byte", {}},
                [](ClientCaseContext& ctx) {
                  ServeStyle style;
                  style.write_size = 1;
                  return served_in_style(ctx, style);
                }});

  registry.add({{"replies/2", "CREPLY-1", Level::kMust, "replies in 8-byte writes that straddle reply boundaries", {}},
                [](ClientCaseContext& ctx) {
                  ServeStyle style;
                  style.coalesce = true;
                  style.write_size = kOddWrite;
                  return served_in_style(ctx, style);
                }});

  registry.add({{"replies/3", "CREPLY-2", Level::kMust, "the replies to several records in one write", {}},
                [](ClientCaseContext& ctx) {
                  ServeStyle style;
                  style.coalesce = true;
                  ClientSession& s = ctx.start();
                  s.send_greeting();
                  s.serve(style);
                  ClientRun run = s.finish();
                  if (run.most_records_per_answer < 2) {
                    if (auto na = needs_records(run, 2)) return *na;
                    return Outcome::not_applicable(
                        "the client waited for each reply before sending its next record: no replies to coalesce");
                  }
                  return verify_completed(run, ctx.timeout());
                }});

  registry.add({{"replies/4", "CREPLY-3", Level::kMust, "a slow server: T/10 before the greeting and each reply", {}},
                [](ClientCaseContext& ctx) {
                  ServeStyle style;
                  style.delay = slow_pause(ctx.timeout());
                  ClientSession& s = ctx.start();
                  s.pause(style.delay);
                  s.send_greeting();
                  s.serve(style);
                  return verify_completed(s.finish(), ctx.timeout());
                }});

  registry.add({{"replies/5", "CREPLY-4", Level::kMust, "no reply ever comes after the greeting", {}},
                [](ClientCaseContext& ctx) {
                  ClientSession& s = ctx.start();
                  s.send_greeting();
                  return verify_gave_up(s.finish(), ctx.timeout(), "no reply ever came", false);
                }});

  registry.add({{"replies/6", "CREPLY-5", Level::kShould, "a reply that is not the ack line", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_ack(ctx)) return *na;
                  ServeStyle style;
                  std::string wrong = wrong_ack(ctx.profile());
                  std::size_t ack_size = ctx.profile().ack_line().size();
                  bool first = true;
                  style.transform = [&first, &wrong, ack_size](const OwedReplies& owed) {
                    if (!first || owed.records == 0) return owed.bytes;
                    first = false;
                    return wrong + owed.bytes.substr(ack_size);
                  };
                  style.transform_note = "the first reply replaced by " + harness::escape_bytes(wrong);
                  return spoiled_replies(ctx, style, "a reply was wrong");
                }});

  registry.add({{"replies/7", "CREPLY-6", Level::kShould, "an extra reply nobody asked for", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_ack(ctx)) return *na;
                  ServeStyle style;
                  bool first = true;
                  std::string ack = ctx.profile().ack_line();
                  style.transform = [&first, &ack](const OwedReplies& owed) {
                    if (!first) return owed.bytes;
                    first = false;
                    return owed.bytes + ack;
                  };
                  style.transform_note = "one ack line more than records with the first answer";
                  return spoiled_replies(ctx, style, "there were more replies than records");
                }});
}

}  // namespace linespec::conformance
