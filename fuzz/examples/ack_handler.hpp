// A small in-process connection handler for the ack profiles (seed, lf): the example
// the fuzz driver checks. Framing::kPerRecord implements the protocol; the planted
// bug Framing::kPerRead treats the end of every read as the end of a record, the
// classic "one read = one message" mistake. Header only; one thread per handler.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "linespec/fuzz/connection_under_test.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::fuzz::examples {

enum class Framing {
  kPerRecord,  // a record ends at a terminator or the size limit (correct)
  kPerRead,    // planted bug: also at the end of every on_data() call
};

// Terminators cr,lf or lf; the profile's size limit and final-fragment rule.
class AckHandler : public ConnectionUnderTest {
 public:
  explicit AckHandler(Profile profile, Framing framing = Framing::kPerRecord)
      : profile_(std::move(profile)), framing_(framing) {}

  std::string on_open() override { return profile_.greeting_line(); }

  std::string on_data(std::string_view bytes) override {
    std::string replies;
    for (char byte : bytes) {
      ++fragment_size_;
      const bool terminator = byte == '\n' || (byte == '\r' && profile_.terminators == Terminators::kCrOrLf);
      if (terminator || fragment_size_ == profile_.max_record) end_record(replies);
    }
    if (framing_ == Framing::kPerRead && fragment_size_ > 0) end_record(replies);
    return replies;
  }

  std::string on_eof() override {
    std::string replies;
    if (fragment_size_ > 0 && profile_.final_fragment == FinalFragment::kAnswer) end_record(replies);
    closed_ = true;
    return replies;
  }

  void on_reset() override { closed_ = true; }
  bool closed() const override { return closed_; }

 private:
  void end_record(std::string& replies) {
    replies += profile_.ack_line();
    fragment_size_ = 0;
  }

  Profile profile_;
  Framing framing_;
  std::size_t fragment_size_ = 0;  // bytes of the record in progress
  bool closed_ = false;
};

}  // namespace linespec::fuzz::examples
