#include "script_report.hpp"

#include <fmt/core.h>

#include <optional>

#include "linespec/harness/script.hpp"
#include "linespec/harness/transcript.hpp"

namespace linespec::tools {

namespace {

constexpr std::size_t kShownBytes = 512;

std::string_view end_text(harness::ClientEnd end) {
  switch (end) {
    case harness::ClientEnd::kStaysOpen:
      return "the client stays open";
    case harness::ClientEnd::kHalfClose:
      return "after the client's half-close";
    case harness::ClientEnd::kFullClose:
      return "before the client's close";
    case harness::ClientEnd::kReset:
      return "before the client's reset";
  }
  return "";
}

// The chunks written, as script strings, one after the other: "SOME " | "DATA\n".
std::string sent_chunks(const harness::Transcript& transcript) {
  std::string text;
  std::size_t chunks = 0;
  for (const auto& event : transcript.events()) {
    if (event.kind != harness::TranscriptEvent::Kind::kSend) continue;
    if (chunks++ > 0 && text.size() < kShownBytes) text += " | ";
    if (text.size() < kShownBytes) text += harness::quote_script_bytes(event.bytes);
  }
  if (chunks == 0) return "nothing";
  if (text.size() > kShownBytes) text = text.substr(0, kShownBytes) + " ...";
  return text + " (" + std::to_string(chunks) + (chunks == 1 ? " chunk)" : " chunks)");
}

}  // namespace

void print_failures(const harness::ScriptResult& result, bool transcripts) {
  for (const auto& c : result.connections) {
    if (c.passed()) continue;
    for (const auto& failure : c.failures) fmt::print("    {}: {}\n", c.name, failure);
    fmt::print("    sent:     {}\n", sent_chunks(c.session.transcript));
    fmt::print("    expected: {}, {}\n", c.model.describe(), end_text(c.client_end));
    fmt::print("    received: {} (ended: {})\n", harness::escape_bytes(c.session.received, kShownBytes),
               harness::to_string(c.session.ending));
    if (!transcripts) continue;
    fmt::print("    --- {} (delivery: {})\n", c.name, c.session.delivery.empty() ? "none" : c.session.delivery);
    const std::string transcript = c.session.transcript.to_string();
    std::string_view text = transcript;
    while (!text.empty()) {
      auto end = text.find('\n');
      fmt::print("    {}\n", text.substr(0, end));
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
    if (!c.session.diagnostics.empty()) fmt::print("    {}\n", c.session.diagnostics);
  }
}

std::optional<std::string> unreachable_message(const harness::ScriptResult& result) {
  for (const auto& c : result.connections) {
    if (c.session.error && c.session.error->kind == ErrorKind::kUnreachable) return c.session.error->message;
  }
  return std::nullopt;
}

}  // namespace linespec::tools
