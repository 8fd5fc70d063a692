// RecordStream: the bytes each load connection sends (records of record_size bytes: filler from a
// rotating alphabet, then "\n", so that a misplaced or foreign byte shows) and the bytes it must
// get back under a profile. Both are endless cycles addressed by stream position, so a connection
// keeps no buffers: it only counts. Built once per run; read-only, shared by every load thread.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "linespec/protocol/profile.hpp"

namespace linespec::bench {

class RecordStream {
 public:
  RecordStream(const Profile& profile, std::size_t record_size);

  std::size_t record_size() const noexcept { return record_size_; }
  // Bytes of reply that complete one record: ack_line().size() for ack, record_size otherwise.
  std::size_t reply_unit() const noexcept { return reply_unit_; }
  // echo and stream: the replies are the request bytes, so they may follow them byte by byte.
  bool replies_are_request() const noexcept { return reply_is_request_; }

  // Up to `max_iov` slices of connection `connection`'s request bytes [from, to); returns how
  // many slices were filled (they may cover less than the range).
  std::size_t request_slices(std::uint32_t connection, std::uint64_t from, std::uint64_t to, iovec* iov,
                             std::size_t max_iov) const noexcept;

  // Index of the first byte of `received` that differs from the expected reply bytes at reply
  // stream position `at`, or npos when all match.
  std::size_t reply_mismatch(std::uint32_t connection, std::uint64_t at, std::string_view received) const noexcept;
  // The expected reply bytes [at, at + length), for error messages.
  std::string expected_reply(std::uint32_t connection, std::uint64_t at, std::size_t length) const;

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  std::size_t request_origin(std::uint32_t connection) const noexcept;
  std::size_t reply_origin(std::uint32_t connection) const noexcept;

  std::size_t record_size_;
  std::size_t variants_;     // distinct records in one request cycle
  std::string request_;      // whole records, at least a few KiB
  bool reply_is_request_;    // echo and stream send the request stream back
  std::string ack_cycle_;    // ack: ack_line() repeated
  std::size_t reply_unit_;
};

}  // namespace linespec::bench
