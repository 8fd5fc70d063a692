#include "linespec/reference/framer.hpp"

#include <algorithm>

#include "byte_scan.hpp"

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
  // Look no further than the size limit allows: the record ends there anyway.
  std::size_t window = input.size();
  if (max_record_ > 0) window = std::min(window, max_record_ - length_);
  std::size_t end = terminators_ == Terminators::kLf ? detail::find_lf(input.data(), window)
                                                     : detail::find_cr_or_lf(input.data(), window);
  if (end < window) {
    after_cr_ = terminators_ == Terminators::kCrlfOrLf && input[end] == '\r';
    length_ = 0;
    return {end + 1, true, false};
  }
  length_ += window;
  if (max_record_ > 0 && length_ == max_record_) {
    // Cut by the limit: not CR-terminated, so a following LF starts a new record.
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
