// Differential target: the reference Framer against the harness Model on the same
// bytes and profile. The input chooses the profile's framing knobs and how the
// bytes are split into reads; the records must be the model's, read by read, and
// the same again when the whole stream arrives in one read; every Split the framer
// returns must keep its contract.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/fuzz/fuzz_check.hpp"
#include "linespec/fuzz/fuzz_input.hpp"
#include "linespec/harness/model.hpp"
#include "linespec/reference/framer.hpp"

namespace {

using linespec::Profile;
using linespec::Terminators;
using linespec::fuzz::show_bytes;
using linespec::reference::Framer;
using linespec::reference::Split;

// Where each record ends in the stream, rebuilt from what Framer::next() reports
// (offsets, not copies: this runs for every byte of every input).
class RecordEnds {
 public:
  explicit RecordEnds(const Profile& profile) : profile_(profile), framer_(profile) {}

  void feed(std::string_view input) {
    while (!input.empty()) {
      const Split split = framer_.next(input);
      check(split, input);
      position_ += split.consumed;
      last_byte_ = input[split.consumed - 1];
      input.remove_prefix(split.consumed);
      if (split.trailing_lf) {
        ends_.back() = position_;
        record_start_ = position_;
      } else if (split.complete) {
        ends_.push_back(position_);
        record_start_ = position_;
      }
      FUZZ_CHECK(framer_.fragment_length() == position_ - record_start_,
                 "fragment_length() " + std::to_string(framer_.fragment_length()) + " but " +
                     std::to_string(position_ - record_start_) + " unterminated bytes were taken");
    }
  }

  Framer& framer() { return framer_; }
  const std::vector<std::size_t>& ends() const { return ends_; }

 private:
  void check(const Split& split, std::string_view input) const {
    FUZZ_CHECK(split.consumed > 0 && split.consumed <= input.size(),
               "next() consumed " + std::to_string(split.consumed) + " of " +
                   std::to_string(input.size()) + " bytes");
    if (split.trailing_lf) {
      FUZZ_CHECK(profile_.terminators == Terminators::kCrlfOrLf && split.consumed == 1 &&
                     input.front() == '\n' && !split.complete && record_start_ == position_ &&
                     !ends_.empty() && last_byte_ == '\r',
                 "trailing_lf without an LF right after a CR terminator, at " + show_bytes(input, 20));
      return;
    }
    if (!split.complete) {
      FUZZ_CHECK(split.consumed == input.size(),
                 "an unfinished record left input behind: " + show_bytes(input.substr(split.consumed)));
      return;
    }
    const std::size_t length = position_ - record_start_ + split.consumed;
    FUZZ_CHECK(profile_.max_record == 0 || length <= profile_.max_record,
               "a record of " + std::to_string(length) + " bytes, over the limit " +
                   std::to_string(profile_.max_record));
    const char last = input[split.consumed - 1];
    const bool terminated = last == '\n' || (last == '\r' && profile_.terminators != Terminators::kLf);
    FUZZ_CHECK(terminated || length == profile_.max_record,
               "a record ended at " + show_bytes(std::string_view(&last, 1)) + " after " +
                   std::to_string(length) + " bytes, neither a terminator nor the size limit");
  }

  const Profile& profile_;
  Framer framer_;
  std::vector<std::size_t> ends_;
  std::size_t position_ = 0;      // bytes taken so far
  std::size_t record_start_ = 0;  // where the unfinished record began
  char last_byte_ = 0;            // the last byte taken
};

std::string show_records(std::string_view stream, const std::vector<std::size_t>& ends) {
  std::string out = "[";
  std::size_t start = 0;
  for (std::size_t end : ends) {
    out += (start > 0 ? ", " : "") + show_bytes(stream.substr(start, end - start), 40);
    start = end;
  }
  return out + "]";
}

void check_same(std::string_view stream, const std::vector<std::size_t>& got,
                const std::vector<std::size_t>& want, const std::string& how) {
  FUZZ_CHECK(got == want, "records differ (" + how + ")\n  framer: " + show_records(stream, got) +
                              "\n  model:  " + show_records(stream, want));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  Profile profile = linespec::fuzz::consume_profile(input);
  profile.reply = linespec::ReplyKind::kAck;  // the model frames only replies that have records
  profile.ack_text.clear();                   // framing ignores it; a short ack keeps the model fast
  const std::vector<std::string> chunks = linespec::fuzz::consume_chunks(input);

  // The input's own split, against the model after every read: the same records
  // (as end offsets: the new ones, and the last one before, which a trailing LF
  // may have grown) and the same fragment.
  linespec::harness::Model model(profile);
  RecordEnds split_reads(profile);
  std::string stream;
  std::size_t known_same = 0;  // leading records that agreed after an earlier read
  for (const std::string& chunk : chunks) {
    split_reads.feed(chunk);
    model.feed(chunk);
    stream += chunk;
    const std::vector<std::size_t>& got = split_reads.ends();
    const std::vector<std::size_t>& want = model.record_ends();
    if (got.size() != want.size() || !std::equal(got.begin() + static_cast<std::ptrdiff_t>(known_same), got.end(),
                                                 want.begin() + static_cast<std::ptrdiff_t>(known_same))) {
      check_same(stream, got, want, "split as the input says, after " + std::to_string(stream.size()) + " bytes");
    }
    known_same = want.empty() ? 0 : want.size() - 1;
    FUZZ_CHECK(split_reads.framer().fragment_length() == model.fragment().size(),
               "after " + std::to_string(stream.size()) + " bytes the framer has a fragment of " +
                   std::to_string(split_reads.framer().fragment_length()) + " bytes, the model " +
                   show_bytes(model.fragment()));
  }
  // The model's records must be the stream, cut where record_ends() says.
  const std::vector<std::string>& records = model.records();
  const std::vector<std::size_t>& model_ends = model.record_ends();
  FUZZ_CHECK(records.size() == model_ends.size(), "records() and record_ends() disagree on the count");
  std::size_t end = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    FUZZ_CHECK(stream.compare(end, records[i].size(), records[i]) == 0,
               "the model's records are not the stream: " + show_bytes(records[i]) + " at " + std::to_string(end));
    end += records[i].size();
    FUZZ_CHECK(end == model_ends[i], "record_ends() disagrees with records() at record " + std::to_string(i));
  }
  FUZZ_CHECK(split_reads.framer().final_fragment_pending() == !model.fragment().empty(),
             "final_fragment_pending() disagrees with fragment " + show_bytes(model.fragment()));

  // Chunking never matters: the whole stream in one read.
  RecordEnds one_read(profile);
  one_read.feed(stream);
  check_same(stream, one_read.ends(), model_ends, "one read");

  // count_records() agrees, and reset() starts over as a new stream.
  Framer& framer = split_reads.framer();
  framer.reset();
  FUZZ_CHECK(framer.fragment_length() == 0, "reset() kept a fragment");
  const std::size_t counted = framer.count_records(stream);
  FUZZ_CHECK(counted == model_ends.size(), "count_records() says " + std::to_string(counted) +
                                                ", model has " + std::to_string(model_ends.size()) + " records");
  return 0;
}
