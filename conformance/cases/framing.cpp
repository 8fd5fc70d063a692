// SPEC.md section 2: framing. Every expectation comes from the harness model, so
// each case runs under every profile; cases about one terminator mode or the size
// limit are N/A where that knob says they do not apply.
#include <string>

#include "section_cases.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {
namespace {

Outcome only_for(CaseContext& ctx, Terminators mode, const Exchange& exchange) {
  if (ctx.profile().reply == ReplyKind::kStream) return Outcome::not_applicable("a stream server has no records");
  if (ctx.profile().terminators != mode) {
    return Outcome::not_applicable("the profile's terminators are " +
                                   std::string(to_string(ctx.profile().terminators)));
  }
  return verify_replies(ctx, exchange);
}

}  // namespace

void register_framing_cases(Registry& registry) {
  registry.add({"framing/1", "FRAME-1", Level::kMust, "one line",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange::whole("SOME DATA\n")); }});

  registry.add({"framing/2", "FRAME-12", Level::kMust, "many lines in one write",
                [](CaseContext& ctx) {
                  return verify_replies(ctx, Exchange::whole("one\ntwo\nthree\n0\nSOME DATA\n"));
                }});

  registry.add({"framing/3", "FRAME-2", Level::kMust, "a line split byte by byte",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange::byte_by_byte("SOME DATA\nxy\n")); }});

  registry.add({"framing/4", "FRAME-3", Level::kMust, "CR and LF each end a record (cr,lf)",
                [](CaseContext& ctx) { return only_for(ctx, Terminators::kCrOrLf, Exchange::whole("x\r\nx\ry\n")); }});

  registry.add({"framing/5", "FRAME-4", Level::kMust, "CR is data, only LF ends a record (lf)",
                [](CaseContext& ctx) { return only_for(ctx, Terminators::kLf, Exchange::whole("x\r\nx\ry\n")); }});

  registry.add({"framing/6", "FRAME-6", Level::kMust, "CRLF is one terminator, also split after the CR (crlf-or-lf)",
                [](CaseContext& ctx) {
                  return only_for(ctx, Terminators::kCrlfOrLf, Exchange::split("x\r\ny\rz\n\r\n", {2, 3, 1}));
                }});

  registry.add({"framing/7", "FRAME-7", Level::kMust, "an empty line is a record",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange::whole("\n")); }});

  registry.add({"framing/8", "FRAME-8", Level::kMust, "records at the size limit, split across writes",
                [](CaseContext& ctx) {
                  std::size_t n = ctx.profile().max_record;
                  if (n == 0) return Outcome::not_applicable("the profile has no record size limit");
                  // N-1 bytes + LF (one record), N bytes + LF (two), 2N bytes + LF (three),
                  // each cut so that no write boundary falls on a record boundary.
                  std::string bytes = std::string(n - 1, 'A') + "\n" + std::string(n, 'B') + "\n" +
                                      std::string(2 * n, 'C') + "\n";
                  return verify_replies(ctx, Exchange::split(bytes, {n / 2, n, n + 1, n / 3}));
                }});

  registry.add({"framing/9", "FRAME-10", Level::kMust, "without a size limit a long line is one record",
                [](CaseContext& ctx) {
                  if (ctx.profile().max_record != 0) return Outcome::not_applicable("the profile limits records");
                  return verify_replies(ctx, Exchange::split(std::string(5000, 'A') + "\n", {1500, 1500}));
                }});

  registry.add({"framing/10", "FRAME-11", Level::kMust, "NUL and high bytes are data",
                [](CaseContext& ctx) {
                  return verify_replies(ctx, Exchange::whole(std::string("a\0b\xff\x80\x01z\n", 8)));
                }});
}

}  // namespace linespec::conformance
