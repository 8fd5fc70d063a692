#include "linespec/harness/transcript.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace linespec::harness {

Transcript::Transcript(Clock::time_point start, std::size_t byte_budget)
    : start_(start), budget_left_(byte_budget) {}

void Transcript::add(TranscriptEvent::Kind kind, std::string_view bytes, std::string note) {
  TranscriptEvent event;
  event.at = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_);
  event.kind = kind;
  event.size = bytes.size();
  std::size_t kept = std::min(bytes.size(), budget_left_);
  event.bytes.assign(bytes.substr(0, kept));
  budget_left_ -= kept;
  event.note = std::move(note);
  events_.push_back(std::move(event));
}

namespace {

std::string concat(const std::vector<TranscriptEvent>& events, TranscriptEvent::Kind kind) {
  std::string out;
  for (const auto& event : events) {
    if (event.kind == kind) out += event.bytes;
  }
  return out;
}

}  // namespace

std::string Transcript::sent() const { return concat(events_, TranscriptEvent::Kind::kSend); }

std::string Transcript::received() const { return concat(events_, TranscriptEvent::Kind::kReceive); }

std::string Transcript::to_string() const {
  std::string out;
  for (const auto& event : events_) {
    char head[48];
    std::snprintf(head, sizeof head, "+%10.3fms %-9s", static_cast<double>(event.at.count()) / 1000.0,
                  std::string(harness::to_string(event.kind)).c_str());
    out += head;
    if (event.kind == TranscriptEvent::Kind::kSend || event.kind == TranscriptEvent::Kind::kReceive) {
      out += ' ';
      out += escape_bytes(event.bytes);
      out += " (" + std::to_string(event.size) + " bytes";
      if (event.bytes.size() < event.size) out += ", " + std::to_string(event.bytes.size()) + " kept";
      out += ')';
    }
    if (!event.note.empty()) {
      out += ' ';
      out += event.note;
    }
    out += '\n';
  }
  return out;
}

std::string_view to_string(TranscriptEvent::Kind kind) {
  using Kind = TranscriptEvent::Kind;
  switch (kind) {
    case Kind::kConnect: return "connect";
    case Kind::kSend: return "send";
    case Kind::kReceive: return "recv";
    case Kind::kPause: return "pause";
    case Kind::kDelivered: return "delivered";
    case Kind::kShutdownWrite: return "shutdown";
    case Kind::kClose: return "close";
    case Kind::kReset: return "reset";
    case Kind::kPeerEof: return "peer-eof";
    case Kind::kPeerReset: return "peer-rst";
    case Kind::kTimeout: return "timeout";
    case Kind::kFlooded: return "flooded";
    case Kind::kError: return "error";
    case Kind::kNote: return "note";
  }
  return "?";
}

}  // namespace linespec::harness
