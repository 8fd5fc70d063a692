#include "linespec/reference/connection.hpp"

#include <algorithm>

namespace linespec::reference {

Connection::Connection(const Profile& profile, ConnectionLimits limits)
    : profile_(profile), limits_(limits), framer_(profile) {
  if (profile.reply == ReplyKind::kAck) ack_line_ = profile.ack_line();
}

void Connection::on_open() { out_ += profile_.greeting_line(); }

std::size_t Connection::on_data(std::string_view bytes) {
  if (input_closed_) return bytes.size();
  if (backlog() >= limits_.output_high_water) return 0;
  // stream sends every byte back; echo with answered final fragments sends every
  // byte too (each byte belongs to exactly one record and every record is echoed
  // verbatim, in order), so both pass bytes through without framing.
  const bool pass_through =
      profile_.reply == ReplyKind::kStream ||
      (profile_.reply == ReplyKind::kEcho && profile_.final_fragment == FinalFragment::kAnswer);
  if (pass_through) {
    std::size_t n = std::min(bytes.size(), limits_.output_high_water - backlog());
    out_.append(bytes.data(), n);
    return n;
  }
  return take_framed(bytes);
}

std::size_t Connection::take_framed(std::string_view bytes) {
  std::size_t taken = 0;
  while (taken < bytes.size() && backlog() < limits_.output_high_water) {
    std::string_view rest = bytes.substr(taken);
    Split s = framer_.next(rest);
    std::string_view part = rest.substr(0, s.consumed);
    taken += s.consumed;
    if (profile_.reply == ReplyKind::kAck) {
      if (s.complete) out_ += ack_line_;
      continue;
    }
    // echo + drop: a fragment is sent only once its record is complete.
    if (s.trailing_lf) {
      out_ += part;  // the LF of a CRLF whose record was already sent
    } else if (s.complete) {
      out_ += held_;
      out_ += part;
      held_.clear();
    } else {
      held_ += part;
      if (held_.size() > limits_.max_held_fragment) {
        failed_ = true;
        finish();
        return bytes.size();
      }
    }
  }
  return taken;
}

void Connection::on_eof() {
  if (input_closed_) return;
  input_closed_ = true;
  if (profile_.reply == ReplyKind::kAck && framer_.final_fragment_pending() &&
      profile_.final_fragment == FinalFragment::kAnswer) {
    out_ += ack_line_;
  }
  // echo + drop: the held fragment is the dropped final fragment.
  held_.clear();
  framer_.reset();
}

void Connection::finish() {
  input_closed_ = true;
  held_.clear();
}

void Connection::refuse() {
  out_ += profile_.refusal_marker;
  out_ += '\n';
  finish();
}

void Connection::consume_output(std::size_t n) noexcept {
  out_pos_ += std::min(n, backlog());
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ >= 64 * 1024 && out_pos_ * 2 >= out_.size()) {
    // Reclaim the sent prefix once it dominates, keeping consume_output amortised O(1).
    out_.erase(0, out_pos_);
    out_pos_ = 0;
  }
}

bool Connection::wants_read() const noexcept {
  return !input_closed_ && backlog() < limits_.output_high_water;
}

}  // namespace linespec::reference
