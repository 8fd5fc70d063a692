// The model is the oracle, so it is written to be obviously right: straight from
// the protocol rules. It takes a chunk a record at a time (the bytes up to the next
// terminator or the size limit, whichever comes first), which gives the same
// records as taking it byte by byte, because only a terminator, the limit or the
// LF after a CR terminator can end or extend a record.
#include "linespec/harness/model.hpp"

#include <algorithm>
#include <utility>

namespace linespec::harness {
namespace {

// Where the first byte that ends a record lies within `bytes` (npos if none): LF,
// and CR too unless only LF terminates.
std::size_t find_terminator(std::string_view bytes, Terminators terminators) {
  const std::size_t lf = bytes.find('\n');
  if (terminators == Terminators::kLf) return lf;
  const std::size_t cr = bytes.substr(0, lf).find('\r');
  return cr != std::string_view::npos ? cr : lf;
}

}  // namespace

Model::Model(Profile profile)
    : profile_(std::move(profile)), greeting_line_(profile_.greeting_line()), ack_line_(profile_.ack_line()) {}

void Model::feed(std::string_view bytes) {
  if (ended_) return;
  // Rule 5, stream: every byte goes back in order, no framing.
  if (profile_.reply == ReplyKind::kStream) {
    replies_.append(bytes);
    return;
  }
  while (!bytes.empty()) {
    // Rule 2, crlf-or-lf: an LF right after a CR terminator belongs to that record,
    // whenever it arrives, and makes no new record. Echo owes that LF too.
    if (last_record_ended_by_cr_) {
      last_record_ended_by_cr_ = false;
      if (bytes.front() == '\n') {
        record_bytes_ += '\n';
        ++record_ends_.back();
        if (profile_.reply == ReplyKind::kEcho) replies_ += '\n';
        bytes.remove_prefix(1);
        continue;
      }
    }
    // Rule 3: the fragment is always shorter than the limit, so at least one byte
    // fits; a record ends at the limit if no terminator comes first.
    std::size_t room = bytes.size();
    if (profile_.max_record > 0) room = std::min(room, profile_.max_record - fragment_.size());
    const std::size_t terminator = find_terminator(bytes.substr(0, room), profile_.terminators);
    if (terminator != std::string_view::npos) {
      complete_record(bytes.substr(0, terminator + 1),
                      profile_.terminators == Terminators::kCrlfOrLf && bytes[terminator] == '\r');
      bytes.remove_prefix(terminator + 1);
    } else if (profile_.max_record > 0 && fragment_.size() + room == profile_.max_record) {
      // Rule 3: N bytes without a terminator are a record; it is not CR-terminated.
      complete_record(bytes.substr(0, room), false);
      bytes.remove_prefix(room);
    } else {
      fragment_.append(bytes.data(), room);
      bytes.remove_prefix(room);
    }
  }
}

void Model::complete_record(std::string_view tail, bool ended_by_cr) {
  const std::size_t start = record_bytes_.size();
  record_bytes_ += fragment_;
  record_bytes_ += tail;
  record_ends_.push_back(record_bytes_.size());
  if (profile_.reply == ReplyKind::kAck) {
    replies_ += ack_line_;
  } else {
    replies_.append(record_bytes_, start, std::string::npos);
  }
  fragment_.clear();
  last_record_ended_by_cr_ = ended_by_cr;
}

const std::vector<std::string>& Model::records() const {
  // Only the records that ended since the last call are new, plus the last one
  // seen then, which a trailing LF may have grown since.
  if (!records_.empty()) records_.pop_back();
  std::size_t start = records_.empty() ? 0 : record_ends_[records_.size() - 1];
  for (std::size_t i = records_.size(); i < record_ends_.size(); ++i) {
    records_.emplace_back(record_bytes_, start, record_ends_[i] - start);
    start = record_ends_[i];
  }
  return records_;
}

void Model::end_of_stream() {
  if (ended_) return;
  ended_ = true;
  last_record_ended_by_cr_ = false;
  // Rule 6: a non-empty unterminated fragment is one more record, or dropped.
  if (!fragment_.empty() && profile_.final_fragment == FinalFragment::kAnswer) {
    complete_record({}, false);
  }
  fragment_.clear();
}

std::string Model::output() const {
  std::string out;
  out.reserve(greeting_line_.size() + replies_.size());
  out += greeting_line_;
  out += replies_;
  return out;
}

bool Model::received_is_owed(std::string_view received) const {
  if (received.substr(0, greeting_line_.size()) != greeting_line_) return false;
  received.remove_prefix(greeting_line_.size());
  if (received.substr(0, replies_.size()) != replies_) return false;
  received.remove_prefix(replies_.size());
  if (received.empty()) return true;
  // Rule 5 and 6: see expectation().
  const bool fragment_owed =
      profile_.reply == ReplyKind::kEcho && profile_.final_fragment == FinalFragment::kAnswer && !ended_;
  return fragment_owed && std::string_view(fragment_).substr(0, received.size()) == received;
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
