// The record of one session: every chunk sent, every read, every close the harness
// did and every end the peer signalled, with microsecond timestamps from the start of
// the session. Printable with escaped bytes, for failure reports and replays.
// Plain value type owned by its session; one thread at a time. Standard library only.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/protocol/escape.hpp"

namespace linespec::harness {

struct TranscriptEvent {
  enum class Kind {
    kConnect,        // note: the connection
    kSend,           // bytes: a chunk the harness wrote, whole
    kReceive,        // bytes: one read
    kPause,          // note: how long
    kDelivered,      // note: how the harness knew the peer consumed what was sent
    kShutdownWrite,  // the harness half-closed
    kClose,          // the harness closed both directions
    kReset,          // the harness reset (RST / killed the exec child)
    kPeerEof,        // the peer closed (FIN / end of stdout)
    kPeerReset,      // the peer reset the connection
    kTimeout,        // note: inactivity timeout or hard cap
    kFlooded,        // note: the receive cap was reached
    kError,          // note: an I/O error
    kNote,           // note: anything else worth reading in a report
  };
  std::chrono::microseconds at{0};  // since the session started
  Kind kind = Kind::kNote;
  std::string bytes;      // kSend/kReceive, possibly cut when the byte budget ran out
  std::size_t size = 0;   // kSend/kReceive: how many bytes really went through
  std::string note;
};

class Transcript {
 public:
  using Clock = std::chrono::steady_clock;

  // `byte_budget`: how many payload bytes the transcript keeps in total; later
  // send/receive events keep only their size (a flood must not double memory).
  explicit Transcript(Clock::time_point start = Clock::now(), std::size_t byte_budget = 4u << 20);

  void add(TranscriptEvent::Kind kind, std::string_view bytes = {}, std::string note = {});
  void add_note(TranscriptEvent::Kind kind, std::string note) { add(kind, {}, std::move(note)); }

  Clock::time_point start() const { return start_; }
  const std::vector<TranscriptEvent>& events() const { return events_; }
  // All bytes sent / received, as far as the budget kept them.
  std::string sent() const;
  std::string received() const;

  // One line per event, e.g.
  //   +     0.000ms connect  tcp:127.0.0.1:4000
  //   +     0.212ms send     "SOME DATA\n" (10 bytes)
  //   +     0.530ms recv     "connect\n" (8 bytes)
  std::string to_string() const;

 private:
  Clock::time_point start_;
  std::size_t budget_left_;
  std::vector<TranscriptEvent> events_;
};

std::string_view to_string(TranscriptEvent::Kind kind);

// Bytes as a C-like quoted string (protocol/escape.hpp), the form of every report.
using linespec::escape_bytes;

}  // namespace linespec::harness
