// SPEC.md section 4: end of stream.
#include <string>

#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

std::optional<Outcome> unless_fragment(CaseContext& ctx, FinalFragment mode) {
  if (auto none = unless_records(ctx)) return none;
  if (ctx.profile().final_fragment != mode) {
    return Outcome::not_applicable(mode == FinalFragment::kAnswer ? "the profile drops the final fragment"
                                                                  : "the profile answers the final fragment");
  }
  return std::nullopt;
}

}  // namespace

void register_eof_cases(Registry& registry) {
  registry.add({"eof/1", "EOF-2", Level::kMust, "a final fragment at half-close is answered",
                [](CaseContext& ctx) {
                  if (auto none = unless_fragment(ctx, FinalFragment::kAnswer)) return *none;
                  return verify_replies(ctx, Exchange::whole("one\nabc"));
                }});

  registry.add({"eof/2", "EOF-3", Level::kMust, "a final fragment at half-close is dropped",
                [](CaseContext& ctx) {
                  if (auto none = unless_fragment(ctx, FinalFragment::kDrop)) return *none;
                  return verify_replies(ctx, Exchange::whole("one\nabc"));
                }});

  registry.add({"eof/3", "EOF-7", Level::kMust, "half-close without sending: the greeting, then the close",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange()); }});

  registry.add({"eof/4", "EOF-5", Level::kMust, "the server closes after the client half-closes",
                [](CaseContext& ctx) { return verify_closed(ctx, Exchange::whole("SOME DATA\n")); }});

  registry.add({"eof/5", "EOF-1", Level::kMust, "records still pending at the half-close are all answered",
                [](CaseContext& ctx) {
                  std::string bytes;
                  for (int i = 0; i < 500; ++i) bytes += "pending " + std::to_string(i) + "\n";
                  Exchange exchange = Exchange::chunked(bytes, 1000);
                  exchange.wait_consumed = false;
                  return verify_replies(ctx, exchange);
                }});

  registry.add({"eof/6", "EOF-4", Level::kMust, "nothing after the last terminator: no extra reply",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange::whole("a\nb\n")); }});

  registry.add({"eof/7", "EOF-4", Level::kMust, "a CR just before the half-close makes no extra record",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange::split("a\r\nb\r", {4})); }});

  registry.add({"eof/8", "EOF-6", Level::kMust, "1 MiB of replies all arrive before an orderly close",
                [](CaseContext& ctx) {
                  // 50 000 records: about 1 MiB of ack lines, so the server is still
                  // writing when the half-close arrives.
                  std::string bytes;
                  for (int i = 0; i < 50000; ++i) bytes += "r\n";
                  Exchange exchange = Exchange::chunked(bytes, 20000);
                  exchange.wait_consumed = false;
                  return verify_replies(ctx, exchange);
                }});

  registry.add({"eof/9", "EOF-2", Level::kMust, "a final fragment sent byte by byte is answered",
                [](CaseContext& ctx) {
                  if (auto none = unless_fragment(ctx, FinalFragment::kAnswer)) return *none;
                  return verify_replies(ctx, Exchange::split("one\nabc", {4, 1, 1}));
                }});

  registry.add({"eof/10", "EOF-2", Level::kMust, "a one-byte final fragment is answered",
                [](CaseContext& ctx) {
                  if (auto none = unless_fragment(ctx, FinalFragment::kAnswer)) return *none;
                  return verify_replies(ctx, Exchange::whole("x"));
                }});

  registry.add({"eof/11", "EOF-8", Level::kMust, "stream: 256 KiB all come back before the close",
                [](CaseContext& ctx) {
                  if (ctx.profile().reply != ReplyKind::kStream) return Outcome::not_applicable("not a stream profile");
                  std::string bytes;
                  for (std::size_t i = 0; i < (256u << 10); ++i) bytes += static_cast<char>('a' + i % 26);
                  Exchange exchange = Exchange::chunked(bytes, 65536);
                  exchange.wait_consumed = false;
                  return verify_replies(ctx, exchange);
                }});

  registry.add({"eof/12", "EOF-7", Level::kMust, "half-close once the greeting arrived: the server closes",
                [](CaseContext& ctx) {
                  if (!ctx.profile().greeting) return Outcome::not_applicable("the profile has no greeting");
                  return verify_replies(ctx, Exchange().after_greeting());
                }});

  registry.add({"eof/13", "EOF-5", Level::kMust, "the server closes after a half-close mid-record",
                [](CaseContext& ctx) { return verify_closed(ctx, Exchange::whole("SOME DATA\nabc")); }});

  registry.add({"eof/14", "EOF-2", Level::kMust, "a final fragment one byte short of the limit",
                [](CaseContext& ctx) {
                  if (auto none = unless_limited(ctx)) return *none;
                  return verify_replies(ctx, Exchange::whole("x\n" + std::string(ctx.profile().max_record - 1, 'F')));
                }});
}

}  // namespace linespec::conformance
