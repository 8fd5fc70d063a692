// The model is the oracle, so it is written to be obviously right, not fast: one
// byte at a time, straight from the protocol rules.
#include "linespec/harness/model.hpp"

#include <utility>

namespace linespec::harness {

Model::Model(Profile profile) : profile_(std::move(profile)) {}

void Model::feed(std::string_view bytes) {
  if (ended_) return;
  for (char byte : bytes) feed_byte(byte);
}

void Model::feed_byte(char byte) {
  // Rule 5, stream: every byte goes back in order, no framing.
  if (profile_.reply == ReplyKind::kStream) {
    replies_ += byte;
    return;
  }
  // Rule 2, crlf-or-lf: an LF right after a CR terminator belongs to that record,
  // whenever it arrives, and makes no new record. Echo owes that LF too.
  if (last_record_ended_by_cr_) {
    last_record_ended_by_cr_ = false;
    if (byte == '\n') {
      records_.back() += byte;
      if (profile_.reply == ReplyKind::kEcho) replies_ += byte;
      return;
    }
  }
  fragment_ += byte;
  bool terminator = false;
  switch (profile_.terminators) {
    case Terminators::kCrOrLf:
    case Terminators::kCrlfOrLf:
      terminator = byte == '\r' || byte == '\n';
      break;
    case Terminators::kLf:
      terminator = byte == '\n';
      break;
  }
  if (terminator) {
    complete_record(profile_.terminators == Terminators::kCrlfOrLf && byte == '\r');
  } else if (profile_.max_record > 0 && fragment_.size() >= profile_.max_record) {
    // Rule 3: N bytes without a terminator are a record; it is not CR-terminated.
    complete_record(false);
  }
}

void Model::complete_record(bool ended_by_cr) {
  records_.push_back(fragment_);
  if (profile_.reply == ReplyKind::kAck) {
    replies_ += profile_.ack_line();
  } else {
    replies_ += fragment_;
  }
  fragment_.clear();
  last_record_ended_by_cr_ = ended_by_cr;
}

void Model::end_of_stream() {
  if (ended_) return;
  ended_ = true;
  last_record_ended_by_cr_ = false;
  // Rule 6: a non-empty unterminated fragment is one more record, or dropped.
  if (!fragment_.empty() && profile_.final_fragment == FinalFragment::kAnswer) {
    complete_record(false);
  }
  fragment_.clear();
}

Expectation Model::expectation(ClientEnd end) const {
  // Rule 5 and 6: echo answering final fragments owes every byte of the record in
  // progress, now or later, so sending it early is no error.
  const bool fragment_owed =
      profile_.reply == ReplyKind::kEcho && profile_.final_fragment == FinalFragment::kAnswer && !ended_;
  const std::string owed_later = fragment_owed ? fragment_ : std::string();
  switch (end) {
    case ClientEnd::kStaysOpen:
      return Expectation::exact(output(), owed_later);
    case ClientEnd::kHalfClose: {
      Model closed = *this;
      closed.end_of_stream();
      return Expectation::exact(closed.output());
    }
    case ClientEnd::kFullClose:
    case ClientEnd::kReset:
      break;
  }
  return Expectation::prefix_of(output() + owed_later);
}

Prediction predict(const Profile& profile, std::string_view sent, bool half_closed) {
  Model model(profile);
  model.feed(sent);
  if (half_closed) model.end_of_stream();
  return Prediction{model.records(), model.output(), model.must_close()};
}

}  // namespace linespec::harness
