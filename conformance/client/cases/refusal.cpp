// CLIENT-SPEC.md section 3: refusal.
#include "linespec/conformance/client/verdicts.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

// The server sends `line` (cut at `sizes`) instead of the greeting, then half-closes
// (unless `stays_open`) and keeps reading, so that data sent anyway shows up.
Outcome refused(ClientCaseContext& ctx, const std::string& line, const std::vector<std::size_t>& sizes,
                bool stays_open = false) {
  ClientSession& s = ctx.start();
  s.send(line, sizes);
  if (!stays_open) s.half_close();
  // Without a greeting the client may have sent its records before the refusal came.
  bool nothing_sent = ctx.profile().greeting.has_value();
  return verify_gave_up(s.finish(), ctx.timeout(), "the server refused it", nothing_sent);
}

std::optional<Outcome> needs_marker(const ClientCaseContext& ctx) {
  if (!ctx.profile().refusal_marker.empty()) return std::nullopt;
  return Outcome::not_applicable("the profile has no refusal marker");
}

std::string refusal_line(const ClientCaseContext& ctx) { return ctx.profile().refusal_marker + "\n"; }

}  // namespace

void register_client_refusal_cases(ClientRegistry& registry) {
  registry.add({{"refusal/1", "CREFUSE-1", Level::kMust, "the refusal line instead of the greeting", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_marker(ctx)) return *na;
                  return refused(ctx, refusal_line(ctx), {});
                }});

  registry.add({{"refusal/2", "CREFUSE-1", Level::kMust, "the refusal line split in two reads", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_marker(ctx)) return *na;
                  // "not " then "connect\n": the first read alone holds no marker.
                  std::size_t cut = ctx.profile().refusal_marker.find(' ');
                  if (cut == std::string::npos) cut = ctx.profile().refusal_marker.size() / 2;
                  return refused(ctx, refusal_line(ctx), {cut + 1});
                }});

  registry.add({{"refusal/3", "CREFUSE-1", Level::kMust, "the refusal line byte by byte", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_marker(ctx)) return *na;
                  std::string line = refusal_line(ctx);
                  return refused(ctx, line, std::vector<std::size_t>(line.size(), 1));
                }});

  registry.add({{"refusal/4", "CREFUSE-2", Level::kMust, "the refusal marker inside a longer line", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_marker(ctx)) return *na;
                  return refused(ctx, "server full: " + ctx.profile().refusal_marker + ", try again later\n", {});
                }});

  registry.add({{"refusal/5", "CREFUSE-3", Level::kMust, "the refusal line, and the connection stays open", {}},
                [](ClientCaseContext& ctx) {
                  if (auto na = needs_marker(ctx)) return *na;
                  return refused(ctx, refusal_line(ctx), {}, true);
                }});
}

}  // namespace linespec::conformance
