// Splits a byte stream into protocol records (terminators and size limit of a
// Profile) without copying or allocating: the caller owns the bytes, the Framer
// keeps only the length of the unfinished record and whether the last record ended
// in CR. Pure and single-threaded: one Framer per connection, one thread at a time.
#pragma once

#include <cstddef>
#include <string_view>

#include "linespec/protocol/profile.hpp"

namespace linespec::reference {

// What one call to Framer::next() took from its input.
struct Split {
  std::size_t consumed = 0;  // bytes taken from the front of the input
  bool complete = false;     // a record ended at input[consumed - 1]
  // crlf-or-lf only: the single consumed byte is the LF right after a CR terminator.
  // It belongs to the record that already ended; no record starts or ends here.
  bool trailing_lf = false;
};

class Framer {
 public:
  explicit Framer(const Profile& profile) noexcept;

  // Takes bytes up to and including the end of the next record, or all of `input`
  // when no record ends inside it (those bytes start or continue a fragment that
  // the next call goes on with). Never returns consumed == 0 for non-empty input.
  // Record boundaries depend only on the bytes, never on how they were split into
  // calls.
  Split next(std::string_view input) noexcept;

  // Counts the records that end inside `input`, consuming all of it: the same
  // result as calling next() until the input is used up, faster for ack replies.
  std::size_t count_records(std::string_view input) noexcept;

  // Bytes of the record that has begun but not ended yet (0 between records).
  std::size_t fragment_length() const noexcept { return length_; }

  // At end of stream: whether a non-empty unterminated fragment is left over.
  bool final_fragment_pending() const noexcept { return length_ > 0; }

  // Forgets any fragment and CR state, as at the start of a stream.
  void reset() noexcept;

 private:
  Terminators terminators_;
  std::size_t max_record_;    // 0 = unlimited
  std::size_t length_ = 0;    // bytes of the unfinished record, always < max_record_
  bool after_cr_ = false;     // crlf-or-lf: the last record ended in CR
};

}  // namespace linespec::reference
