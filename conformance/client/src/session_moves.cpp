// ClientSession: the kit's moves (what the played server does), built on the poll
// loop in session.cpp.
#include <algorithm>
#include <limits>
#include <utility>

#include "kit_connection.hpp"
#include "linespec/conformance/client/session.hpp"
#include "linespec/harness/transcript.hpp"

namespace linespec::conformance {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kFloodBlock = 64u << 10;
constexpr std::size_t kShownBytes = 48;

std::vector<std::string> cut(std::string_view bytes, const std::vector<std::size_t>& sizes) {
  std::vector<std::string> chunks;
  for (std::size_t size : sizes) {
    if (size == 0 || bytes.empty()) continue;
    size = std::min(size, bytes.size());
    chunks.emplace_back(bytes.substr(0, size));
    bytes.remove_prefix(size);
  }
  if (!bytes.empty()) chunks.emplace_back(bytes);
  return chunks;
}

// `"con" "nect\n" in 2 writes`, `"connect\n" byte by byte`, `"connect\n"`.
std::string describe_writes(std::string_view bytes, const std::vector<std::string>& chunks) {
  if (chunks.size() <= 1) return harness::escape_bytes(bytes, kShownBytes);
  bool single = std::all_of(chunks.begin(), chunks.end(), [](const std::string& c) { return c.size() == 1; });
  if (single) return harness::escape_bytes(bytes, kShownBytes) + " byte by byte";
  std::string text;
  for (const std::string& chunk : chunks) {
    if (text.size() > 2 * kShownBytes) {
      text += " ...";
      break;
    }
    text += (text.empty() ? "" : " ") + harness::escape_bytes(chunk, kShownBytes);
  }
  return text + " in " + std::to_string(chunks.size()) + " writes";
}

std::string ms_text(milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

std::string ServeStyle::describe() const {
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (coalesce) add("replies held until the client paused, then written together");
  if (write_size == 1) add("replies byte by byte");
  if (write_size > 1) add("replies in " + std::to_string(write_size) + "-byte writes");
  if (records_per_write == 1) add("one reply per write, each read by the client before the next");
  if (delay.count() > 0) add("a pause of " + ms_text(delay) + " before each answer");
  if (!transform_note.empty()) add(transform_note);
  if (text.empty()) text = "each record answered at once";
  return text;
}

bool ClientSession::can_write() const {
  return connection_ && connection_->write_fd() >= 0 && !kit_write_closed_ && !write_failed_;
}

bool ClientSession::write_bytes(std::string_view bytes) {
  while (!bytes.empty()) {
    if (!can_write()) return false;
    harness::IoResult r = connection_->write_some(bytes);
    switch (r.state) {
      case harness::IoResult::State::kOk:
        kit_bytes_ += r.bytes;
        bytes.remove_prefix(r.bytes);
        break;
      case harness::IoResult::State::kWouldBlock:
        if (exit_) return false;
        pump(bound_, true);
        break;
      case harness::IoResult::State::kEof:
      case harness::IoResult::State::kReset:
      case harness::IoResult::State::kError: write_failed_ = true; return false;
    }
  }
  return true;
}

bool ClientSession::await_consumed() {
  if (!delivery_) return !exit_;
  delivery_->chunk_written(kit_bytes_);
  for (int attempt = 0;; ++attempt) {
    Result<bool> consumed = delivery_->consumed();
    // A measure that stopped working: the client's end is gone.
    if (!consumed) return false;
    if (*consumed) return true;
    if (exit_ || write_failed_) return false;
    pump(Clock::now() + delivery_->retry_after(attempt), false);
  }
}

bool ClientSession::send(std::string_view bytes, const std::vector<std::size_t>& sizes) {
  if (!connection_) return false;
  std::vector<std::string> chunks = cut(bytes, sizes);
  std::size_t done = 0;
  bool ok = true;
  for (std::size_t i = 0; i < chunks.size() && ok; ++i) {
    ok = (i == 0 || await_consumed()) && write_bytes(chunks[i]);
    if (ok) done += chunks[i].size();
  }
  std::string step = describe_writes(bytes, chunks);
  if (!ok) step += " (cut short after " + std::to_string(done) + " bytes: the client went away)";
  tell(std::move(step));
  return ok;
}

bool ClientSession::send_greeting(const std::vector<std::size_t>& sizes) {
  std::string greeting = profile().greeting_line();
  if (greeting.empty() || !connection_) return connection_ != nullptr;
  std::vector<std::string> chunks = cut(greeting, sizes);
  bool ok = true;
  for (std::size_t i = 0; i < chunks.size() && ok; ++i) {
    ok = i == 0 || await_consumed();
    if (!ok) break;
    if (i + 1 == chunks.size()) {
      // Whatever the client sent before this last piece went out.
      pump(Clock::now(), false);
      sent_before_greeting_ = client_bytes_.size();
    }
    ok = write_bytes(chunks[i]);
  }
  std::string step = "the greeting " + describe_writes(greeting, chunks);
  if (chunks.size() > 1) step += " (each read by the client before the next: " + delivery_name_ + ")";
  if (!ok) step += " (cut short: the client went away)";
  tell(std::move(step));
  return ok;
}

bool ClientSession::flood(char byte, std::size_t limit) {
  if (!connection_) return false;
  const std::string block(kFloodBlock, byte);
  std::size_t written = 0;
  while (written < limit) {
    std::size_t n = std::min(block.size(), limit - written);
    std::size_t before = kit_bytes_;
    bool ok = write_bytes(std::string_view(block).substr(0, n));
    written += kit_bytes_ - before;
    if (!ok) break;
  }
  tell(harness::escape_bytes(std::string(1, byte)) + " again and again without a newline: " + std::to_string(written) +
       " of " + std::to_string(limit) + " bytes written" +
       (written < limit ? " before the client stopped reading or went away" : ""));
  return written >= limit;
}

void ClientSession::pause(milliseconds duration) {
  Clock::time_point until = Clock::now() + duration;
  while (!exit_ && Clock::now() < until) pump(until, false);
  tell("a pause of " + ms_text(duration));
}

std::size_t ClientSession::owed_records() const {
  if (profile().reply == ReplyKind::kStream) return 0;
  return model_.records().size() - answered_records_;
}

std::size_t ClientSession::owed_stream_bytes() const {
  if (profile().reply != ReplyKind::kStream) return 0;
  return model_.replies().size() - answered_stream_bytes_;
}

bool ClientSession::await_owed() {
  while (owed_records() == 0 && owed_stream_bytes() == 0) {
    if (!connection_ || client_eof_ || connection_->read_fd() < 0) return false;
    // An ended client's last bytes are already on their way, with its end.
    if (exit_ && Clock::now() >= ended_at_ + milliseconds(500)) return false;
    pump(exit_ ? ended_at_ + milliseconds(500) : bound_, false);
  }
  return true;
}

void ClientSession::await_quiet(milliseconds quiet) {
  for (;;) {
    Clock::time_point until = last_client_bytes_at_ + quiet;
    if (client_eof_ || exit_ || Clock::now() >= until) return;
    pump(until, false);
  }
}

OwedReplies ClientSession::take_owed(std::size_t max_records) {
  OwedReplies owed;
  if (profile().reply == ReplyKind::kStream) {
    owed.bytes = model_.replies().substr(answered_stream_bytes_);
    answered_stream_bytes_ += owed.bytes.size();
    return owed;
  }
  const std::vector<std::string>& records = model_.records();
  std::size_t n = std::min(max_records, records.size() - answered_records_);
  for (std::size_t i = answered_records_; i < answered_records_ + n; ++i) {
    owed.bytes += profile().reply == ReplyKind::kAck ? profile().ack_line() : records[i];
  }
  answered_records_ += n;
  owed.records = n;
  return owed;
}

bool ClientSession::answer(const OwedReplies& owed, std::size_t write_size) {
  if (owed.bytes.empty()) return true;
  most_records_per_answer_ = std::max(most_records_per_answer_, owed.records);
  if (write_size == 0) return write_bytes(owed.bytes);
  std::vector<std::size_t> sizes(owed.bytes.size() / write_size + 1, write_size);
  std::vector<std::string> chunks = cut(owed.bytes, sizes);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if ((i > 0 && !await_consumed()) || !write_bytes(chunks[i])) return false;
  }
  return true;
}

void ClientSession::serve(const ServeStyle& style) {
  std::size_t records_before = answered_records_;
  std::size_t bytes_before = answered_stream_bytes_;
  bool ok = true;
  while (ok && await_owed()) {
    if (style.coalesce) await_quiet(quiet_period(config_.timeout));
    if (style.delay.count() > 0) {
      Clock::time_point until = Clock::now() + style.delay;
      while (!exit_ && Clock::now() < until) pump(until, false);
    }
    // With records_per_write, the replies to records that arrived together still
    // go out one read at a time.
    std::size_t per_write = style.records_per_write == 0 ? std::numeric_limits<std::size_t>::max()
                                                         : style.records_per_write;
    for (bool first = true; ok && (first || owed_records() > 0); first = false) {
      if (!first && !await_consumed()) break;
      OwedReplies owed = take_owed(per_write);
      if (style.transform) owed.bytes = style.transform(owed);
      ok = answer(owed, style.write_size);
      if (style.records_per_write == 0) break;
    }
  }
  std::string step = "served (" + style.describe() + "): ";
  if (profile().reply == ReplyKind::kStream) {
    step += std::to_string(answered_stream_bytes_ - bytes_before) + " bytes echoed";
  } else {
    std::size_t n = answered_records_ - records_before;
    step += std::to_string(n) + (n == 1 ? " record answered" : " records answered");
  }
  if (!ok) step += " until the client stopped reading";
  if (!client_eof_) step += "; no half-close came";
  tell(std::move(step));
  if (!client_half_closed_) return;
  if (style.linger.count() > 0) {
    Clock::time_point until = Clock::now() + style.linger;
    while (!exit_ && Clock::now() < until) pump(until, false);
    waited_for_close_ = !exit_;
  }
  close();
}

void ClientSession::half_close() {
  if (!connection_) return;
  (void)connection_->shutdown_write();
  kit_write_closed_ = true;
  tell(config_.command.transport == ClientTransport::kStdio ? "closed the client's stdin, still reading"
                                                            : "half-closed (FIN), still reading");
}

void ClientSession::close() {
  if (!connection_) return;
  connection_->close();
  kit_write_closed_ = true;
  tell("closed the connection");
}

void ClientSession::reset() {
  if (!connection_) return;
  connection_->reset();
  kit_write_closed_ = true;
  tell(config_.command.transport == ClientTransport::kStdio ? "closed both pipes (a pipe has no reset)"
                                                            : "reset the connection (RST)");
}

}  // namespace linespec::conformance
