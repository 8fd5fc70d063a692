#include "record_stream.hpp"

#include <algorithm>
#include <cstring>

namespace linespec::bench {
namespace {

constexpr std::string_view kFiller = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t kMaxVariants = 61;              // prime, so neighbours rarely line up
constexpr std::size_t kCycleBytes = 4 * 1024 * 1024;  // bound on the request cycle
constexpr std::size_t kMinCycleBytes = 4096;          // fewer, longer memcmp calls

std::string repeat_to_at_least(std::string block, std::size_t bytes) {
  std::string out = block;
  while (out.size() < bytes) out += block;
  return out;
}

}  // namespace

RecordStream::RecordStream(const Profile& profile, std::size_t record_size)
    : record_size_(std::max<std::size_t>(record_size, 1)),
      variants_(std::clamp<std::size_t>(kCycleBytes / record_size_, 1, kMaxVariants)),
      reply_is_request_(profile.reply != ReplyKind::kAck),
      reply_unit_(reply_is_request_ ? record_size_ : profile.ack_line().size()) {
  std::string block;
  block.reserve(variants_ * record_size_);
  for (std::size_t v = 0; v < variants_; ++v) {
    for (std::size_t j = 0; j + 1 < record_size_; ++j) block += kFiller[(v + j) % kFiller.size()];
    block += '\n';
  }
  request_ = repeat_to_at_least(std::move(block), kMinCycleBytes);
  if (!reply_is_request_) ack_cycle_ = repeat_to_at_least(profile.ack_line(), kMinCycleBytes);
}

std::size_t RecordStream::request_origin(std::uint32_t connection) const noexcept {
  return (connection % variants_) * record_size_;
}

std::size_t RecordStream::reply_origin(std::uint32_t connection) const noexcept {
  return reply_is_request_ ? request_origin(connection) : 0;
}

std::size_t RecordStream::request_slices(std::uint32_t connection, std::uint64_t from, std::uint64_t to,
                                         iovec* iov, std::size_t max_iov) const noexcept {
  std::size_t n = 0;
  while (from < to && n < max_iov) {
    std::size_t at = static_cast<std::size_t>((request_origin(connection) + from) % request_.size());
    std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(to - from, request_.size() - at));
    iov[n].iov_base = const_cast<char*>(request_.data() + at);
    iov[n].iov_len = len;
    ++n;
    from += len;
  }
  return n;
}

std::size_t RecordStream::reply_mismatch(std::uint32_t connection, std::uint64_t at,
                                         std::string_view received) const noexcept {
  const std::string& cycle = reply_is_request_ ? request_ : ack_cycle_;
  std::size_t done = 0;
  while (done < received.size()) {
    std::size_t pos = static_cast<std::size_t>((reply_origin(connection) + at + done) % cycle.size());
    std::size_t len = std::min(received.size() - done, cycle.size() - pos);
    if (std::memcmp(received.data() + done, cycle.data() + pos, len) != 0) {
      for (std::size_t i = 0; i < len; ++i) {
        if (received[done + i] != cycle[pos + i]) return done + i;
      }
    }
    done += len;
  }
  return npos;
}

std::string RecordStream::expected_reply(std::uint32_t connection, std::uint64_t at, std::size_t length) const {
  const std::string& cycle = reply_is_request_ ? request_ : ack_cycle_;
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    out += cycle[static_cast<std::size_t>((reply_origin(connection) + at + i) % cycle.size())];
  }
  return out;
}

}  // namespace linespec::bench
