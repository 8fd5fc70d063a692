// SPEC.md section 3: replies.
#include <string>

#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

std::string numbered_records(int count, std::string_view stem) {
  std::string bytes;
  for (int i = 0; i < count; ++i) bytes += std::string(stem) + " " + std::to_string(i) + "\n";
  return bytes;
}

std::optional<Outcome> unless_reply(CaseContext& ctx, ReplyKind kind) {
  if (ctx.profile().reply != kind) {
    return Outcome::not_applicable("the profile's replies are " + std::string(to_string(ctx.profile().reply)));
  }
  return std::nullopt;
}

}  // namespace

void register_replies_cases(Registry& registry) {
  registry.add({"replies/1", "REPLY-6", Level::kShould, "a record is answered before the client half-closes",
                [](CaseContext& ctx) {
                  return verify_replies(ctx, Exchange::whole("SOME DATA\n").staying_open());
                }});

  registry.add({"replies/2", "REPLY-7", Level::kMust, "2000 records pipelined before reading, all answered",
                [](CaseContext& ctx) { return verify_pipelined(ctx, numbered_records(2000, "pipelined")); }});

  registry.add({"replies/3", "REPLY-1", Level::kMust, "ten records, ten ack lines",
                [](CaseContext& ctx) {
                  if (auto none = unless_reply(ctx, ReplyKind::kAck)) return *none;
                  return verify_replies(ctx, Exchange::whole(numbered_records(10, "record")));
                }});

  registry.add({"replies/4", "REPLY-3", Level::kMust, "echo: each record back verbatim, terminator included",
                [](CaseContext& ctx) {
                  if (auto none = unless_reply(ctx, ReplyKind::kEcho)) return *none;
                  return verify_replies(ctx, Exchange::split("first\r\nsecond\rthird\n\n", {7, 6}));
                }});

  registry.add({"replies/5", "REPLY-3", Level::kMust, "echo: NUL and bytes 0x80 to 0xFF come back exactly",
                [](CaseContext& ctx) {
                  if (auto none = unless_reply(ctx, ReplyKind::kEcho)) return *none;
                  std::string bytes("\0a\0\n", 4);
                  for (int i = 0x80; i < 0x100; ++i) bytes += static_cast<char>(i);
                  return verify_replies(ctx, Exchange::whole(bytes + "\n\xff\xfe\n"));
                }});

  registry.add({"replies/6", "REPLY-4", Level::kMust, "echo: a final fragment comes back without an added newline",
                [](CaseContext& ctx) {
                  if (auto none = unless_reply(ctx, ReplyKind::kEcho)) return *none;
                  if (ctx.profile().final_fragment != FinalFragment::kAnswer) {
                    return Outcome::not_applicable("the profile drops the final fragment");
                  }
                  return verify_replies(ctx, Exchange::whole("line\nno newline"));
                }});

  registry.add({"replies/7", "REPLY-5", Level::kMust, "stream: 64 KiB of every byte value back in order",
                [](CaseContext& ctx) {
                  if (auto none = unless_reply(ctx, ReplyKind::kStream)) return *none;
                  std::string bytes;
                  for (std::size_t i = 0; i < 65536; ++i) bytes += static_cast<char>((i * 7 + i / 256) & 0xff);
                  return verify_replies(ctx, Exchange::chunked(bytes, 10000));
                }});

  registry.add({"replies/8", "REPLY-5", Level::kMust, "stream: bytes come back without waiting for a terminator",
                [](CaseContext& ctx) {
                  if (auto none = unless_reply(ctx, ReplyKind::kStream)) return *none;
                  return verify_replies(ctx, Exchange::whole("no terminator").staying_open());
                }});

  registry.add({"replies/9", "REPLY-2", Level::kMust, "100 distinct records are answered in record order",
                [](CaseContext& ctx) {
                  return verify_replies(ctx, Exchange::chunked(numbered_records(100, "in order"), 97));
                }});

  registry.add({"replies/10", "REPLY-6", Level::kShould, "20 records in lock step: each answered before the next",
                [](CaseContext& ctx) {
                  auto client = CheckedClient::connect(ctx);
                  if (!client) return connect_failure(client.error());
                  for (int i = 0; i < 20; ++i) {
                    client->send("step " + std::to_string(i) + "\n");
                    if (!client->await_replies()) {
                      return prefixed(client->finish(harness::ClientEnd::kStaysOpen),
                                      "record " + std::to_string(i + 1) + " of 20");
                    }
                  }
                  return client->finish();
                }});

  registry.add({"replies/11", "REPLY-7", Level::kMust, "50 records in 8-byte writes sent back to back",
                [](CaseContext& ctx) {
                  Exchange exchange = Exchange::chunked(numbered_records(50, "write"), 8);
                  exchange.wait_consumed = false;
                  return verify_replies(ctx, exchange);
                }});
}

}  // namespace linespec::conformance
