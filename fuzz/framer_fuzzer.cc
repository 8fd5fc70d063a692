// Differential target: the reference Framer against the harness Model on the same
// bytes and profile. The input chooses the profile's framing knobs and how the
// bytes are split into reads; the records must be the model's, read by read, and
// the same again when the whole stream arrives in one read; every Split the framer
// returns must keep its contract.
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
                const std::vector<std::size_t>& want, const char* how) {
  FUZZ_CHECK(got == want, std::string("records differ (") + how + ")\n  framer: " + show_records(stream, got) +
                              "\n  model:  " + show_records(stream, want));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  Profile profile = linespec::fuzz::consume_profile(input);
  profile.reply = linespec::ReplyKind::kAck;  // the model frames only replies that have records
  profile.ack_text.clear();                   // framing ignores it; a short ack keeps the model fast
  const std::vector<std::string> chunks = linespec::fuzz::consume_chunks(input);

  // The input's own split, against the model after every read.
  linespec::harness::Model model(profile);
  RecordEnds split_reads(profile);
  std::string stream;
  for (const std::string& chunk : chunks) {
    split_reads.feed(chunk);
    model.feed(chunk);
    stream += chunk;
    FUZZ_CHECK(split_reads.ends().size() == model.records().size() &&
                   split_reads.framer().fragment_length() == model.fragment().size(),
               "after " + std::to_string(stream.size()) + " bytes the framer has " +
                   std::to_string(split_reads.ends().size()) + " records and a fragment of " +
                   std::to_string(split_reads.framer().fragment_length()) + " bytes, the model " +
                   std::to_string(model.records().size()) + " and " + show_bytes(model.fragment()));
  }
  // The model's records, as end offsets; they must be the stream, cut.
  std::vector<std::size_t> model_ends;
  std::size_t end = 0;
  for (const std::string& record : model.records()) {
    FUZZ_CHECK(stream.compare(end, record.size(), record) == 0,
               "the model's records are not the stream: " + show_bytes(record) + " at " + std::to_string(end));
    model_ends.push_back(end += record.size());
  }
  check_same(stream, split_reads.ends(), model_ends, "split as the input says");
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
