// The reference framer with one planted bug, linked instead of the real one into
// framer_planted_fuzzer, so a test can show that the framer differential target
// finds it. The bug: when a record continues from an earlier read, the size limit
// lets one byte too many in. Whole-input reads still frame correctly; only a long
// record split across reads goes wrong. Never linked into anything else.
#include <algorithm>

#include "linespec/reference/framer.hpp"

namespace linespec::reference {

Framer::Framer(const Profile& profile) noexcept
    : terminators_(profile.terminators), max_record_(profile.max_record) {}

void Framer::reset() noexcept {
  length_ = 0;
  after_cr_ = false;
}

Split Framer::next(std::string_view input) noexcept {
  if (input.empty()) return {};
  if (after_cr_) {
    after_cr_ = false;
    if (input.front() == '\n') return {1, false, true};
  }
  std::size_t window = input.size();
  if (max_record_ > 0) {
    // Planted bug: "+ 1" for a continued record.
    window = std::min(window, max_record_ - length_ + (length_ > 0 ? 1 : 0));
  }
  const char* begin = input.data();
  const char* end = begin + window;
  const char* found = terminators_ == Terminators::kLf
                          ? std::find(begin, end, '\n')
                          : std::find_if(begin, end, [](char c) { return c == '\r' || c == '\n'; });
  if (found != end) {
    after_cr_ = terminators_ == Terminators::kCrlfOrLf && *found == '\r';
    length_ = 0;
    return {static_cast<std::size_t>(found - begin) + 1, true, false};
  }
  length_ += window;
  if (max_record_ > 0 && length_ >= max_record_) {
    length_ = 0;
    return {window, true, false};
  }
  return {window, false, false};
}

std::size_t Framer::count_records(std::string_view input) noexcept {
  std::size_t records = 0;
  while (!input.empty()) {
    Split s = next(input);
    records += s.complete ? 1 : 0;
    input.remove_prefix(s.consumed);
  }
  return records;
}

}  // namespace linespec::reference
