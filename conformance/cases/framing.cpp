// SPEC.md section 2: framing. Every expectation comes from the harness model, so
// most cases run under every profile; cases about one terminator mode or the size
// limit are N/A where that knob says they do not apply.
#include <string>

#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

// A case that sends `exchange` and checks every reply against the model.
Case replies_case(std::string id, std::string requirement, std::string description, Exchange exchange) {
  return {std::move(id), std::move(requirement), Level::kMust, std::move(description),
          [exchange = std::move(exchange)](CaseContext& ctx) { return verify_replies(ctx, exchange); }};
}

// The same, N/A unless the profile's terminators are `mode`.
Case terminators_case(std::string id, std::string requirement, std::string description, Terminators mode,
                      Exchange exchange) {
  return {std::move(id), std::move(requirement), Level::kMust, std::move(description),
          [mode, exchange = std::move(exchange)](CaseContext& ctx) {
            if (auto none = unless_terminators(ctx, mode)) return *none;
            return verify_replies(ctx, exchange);
          }};
}

// A case about the size limit N: `make(N)` builds the exchange; N/A without a limit.
Case limit_case(std::string id, std::string description, std::function<Exchange(std::size_t)> make) {
  return {std::move(id), "FRAME-8", Level::kMust, std::move(description), [make = std::move(make)](CaseContext& ctx) {
            if (auto none = unless_limited(ctx)) return *none;
            return verify_replies(ctx, make(ctx.profile().max_record));
          }};
}

std::string a_run(std::size_t n) { return std::string(n, 'A'); }

std::string every_byte_value() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  return bytes + "\n";
}

// crlf-or-lf with a size limit: both knobs must hold.
std::optional<Outcome> unless_crlf_or_lf_limited(CaseContext& ctx) {
  if (auto none = unless_terminators(ctx, Terminators::kCrlfOrLf)) return none;
  return unless_limited(ctx);
}

}  // namespace

void register_framing_cases(Registry& registry) {
  registry.add(replies_case("framing/1", "FRAME-1", "one line", Exchange::whole("SOME DATA\n")));
  registry.add(replies_case("framing/2", "FRAME-12", "many lines in one write",
                            Exchange::whole("one\ntwo\nthree\n0\nSOME DATA\n")));
  registry.add(replies_case("framing/3", "FRAME-2", "a line split byte by byte",
                            Exchange::byte_by_byte("SOME DATA\nxy\n")));
  registry.add(terminators_case("framing/4", "FRAME-3", "CR and LF each end a record (cr,lf)", Terminators::kCrOrLf,
                                Exchange::whole("x\r\nx\ry\n")));
  registry.add(terminators_case("framing/5", "FRAME-4", "CR is data, only LF ends a record (lf)", Terminators::kLf,
                                Exchange::whole("x\r\nx\ry\n")));
  registry.add(terminators_case("framing/6", "FRAME-5", "CRLF, a lone CR and a lone LF in one write (crlf-or-lf)",
                                Terminators::kCrlfOrLf, Exchange::whole("a\r\nb\rc\nd\r\r\n\n")));
  registry.add(terminators_case("framing/7", "FRAME-6", "CRLF split after the CR is one terminator (crlf-or-lf)",
                                Terminators::kCrlfOrLf, Exchange::split("x\r\ny\rz\n\r\n", {2, 3, 1})));
  registry.add(replies_case("framing/8", "FRAME-7", "an empty line is a record", Exchange::whole("\n")));
  registry.add(replies_case("framing/9", "FRAME-7", "a lone CR, then a line", Exchange::split("\rx\n", {1})));
  registry.add(replies_case("framing/10", "FRAME-7", "empty records in a row", Exchange::whole("\n\n\r\r\n\r\n\n")));
  registry.add(replies_case("framing/11", "FRAME-1", "every terminator, mixed in one write",
                            Exchange::whole("a\rb\nc\r\nd\n\re\r\r\nf\n")));

  registry.add({"framing/12", "FRAME-2", Level::kMust, "mixed terminators split in two at every position",
                [](CaseContext& ctx) { return verify_every_split(ctx, "ab\r\ncd\ref\n\ngh\r\n"); }});

  registry.add({"framing/13", "FRAME-2", Level::kMust, "the same lines in chunks of 2, 3, 5 and 7 bytes",
                [](CaseContext& ctx) {
                  const std::string bytes = "SOME DATA\nx\r\ny\rzz\n\nlast line\n";
                  std::vector<Exchange> exchanges;
                  std::vector<std::string> labels;
                  for (std::size_t size : {2, 3, 5, 7}) {
                    exchanges.push_back(Exchange::chunked(bytes, size));
                    labels.push_back("chunks of " + std::to_string(size) + " bytes");
                  }
                  return verify_each(ctx, exchanges, labels);
                }});

  registry.add(limit_case("framing/14", "limit - 1 bytes and LF are one record (1023 + LF)",
                          [](std::size_t n) { return Exchange::whole(a_run(n - 1) + "\n"); }));
  registry.add(limit_case("framing/15", "limit bytes and LF are two records (1024 + LF)",
                          [](std::size_t n) { return Exchange::whole(a_run(n) + "\n"); }));
  registry.add(limit_case("framing/16", "limit + 1 bytes and LF are two records (1025 + LF)",
                          [](std::size_t n) { return Exchange::whole(a_run(n + 1) + "\n"); }));
  registry.add(limit_case("framing/17", "twice the limit and LF are three records (2048 + LF)",
                          [](std::size_t n) { return Exchange::whole(a_run(2 * n) + "\n"); }));
  registry.add(limit_case("framing/18", "a 10 000-byte line is cut by the limit",
                          [](std::size_t) { return Exchange::whole(a_run(10000) + "\n"); }));
  registry.add(limit_case("framing/19", "records at the limit, split across writes", [](std::size_t n) {
    // N-1 bytes + LF (one record), N bytes + LF (two), 2N bytes + LF (three), each
    // cut so that no write boundary falls on a record boundary.
    std::string bytes = a_run(n - 1) + "\n" + std::string(n, 'B') + "\n" + std::string(2 * n, 'C') + "\n";
    return Exchange::split(bytes, {n / 2, n, n + 1, n / 3});
  }));
  registry.add(limit_case("framing/20", "a record cut by the limit, sent byte by byte",
                          [](std::size_t n) { return Exchange::byte_by_byte(a_run(n) + "B\n"); }));
  registry.add(limit_case("framing/21", "a terminator that is the record's last allowed byte", [](std::size_t n) {
    return Exchange::whole(a_run(n - 1) + "\r\n" + a_run(n - 1) + "\nz\n");
  }));

  registry.add({"framing/22", "FRAME-9", Level::kMust, "an LF after a record cut by the limit is a new record",
                [](CaseContext& ctx) {
                  if (auto none = unless_crlf_or_lf_limited(ctx)) return *none;
                  std::size_t n = ctx.profile().max_record;
                  return verify_replies(ctx, Exchange::split(a_run(n) + "\nx\n", {n}));
                }});

  registry.add({"framing/23", "FRAME-6", Level::kMust, "a CR at the limit keeps its LF from the next write",
                [](CaseContext& ctx) {
                  if (auto none = unless_crlf_or_lf_limited(ctx)) return *none;
                  std::size_t n = ctx.profile().max_record;
                  return verify_replies(ctx, Exchange::split(a_run(n - 1) + "\r\nx\n", {n, 1}));
                }});

  registry.add({"framing/24", "FRAME-10", Level::kMust, "without a size limit a 100 000-byte line is one record",
                [](CaseContext& ctx) {
                  if (auto none = unless_records(ctx)) return *none;
                  if (ctx.profile().max_record != 0) return Outcome::not_applicable("the profile limits records");
                  return verify_replies(ctx, Exchange::split(a_run(100000) + "\n", {30000, 30000}));
                }});

  registry.add(replies_case("framing/25", "FRAME-11", "NUL and high bytes are data",
                            Exchange::whole(std::string("a\0b\xff\x80\x01z\n", 8))));
  registry.add(replies_case("framing/26", "FRAME-11", "all 256 byte values in one record",
                            Exchange::whole(every_byte_value())));
  registry.add(replies_case("framing/27", "FRAME-12", "a write that ends mid-record, continued by the next",
                            Exchange::split("SOME DATA\nMORE DATA\n", {5, 10})));

  registry.add({"framing/28", "FRAME-12", Level::kMust, "1000 records in one write",
                [](CaseContext& ctx) {
                  std::string bytes;
                  for (int i = 0; i < 1000; ++i) bytes += "line " + std::to_string(i) + "\n";
                  return verify_replies(ctx, Exchange::whole(bytes));
                }});

  registry.add(terminators_case("framing/29", "FRAME-4", "CR before LF, CR alone and CR last are data (lf)",
                                Terminators::kLf, Exchange::whole("a\r\n\r\n\rb\nc\r")));
  registry.add(terminators_case("framing/30", "FRAME-3", "CR and LF in separate writes are two records (cr,lf)",
                                Terminators::kCrOrLf, Exchange::split("x\r\ny\n", {2})));
}

}  // namespace linespec::conformance
