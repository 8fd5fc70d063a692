// The reference server's behaviour on one connection, without I/O: bytes from the
// client go in (on_data, on_eof), reply bytes come out (output, consume_output).
// The caller owns the socket and decides when to read and write; Connection owns
// its output buffer and framing state. One thread at a time per Connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "linespec/protocol/profile.hpp"
#include "linespec/reference/framer.hpp"

namespace linespec::reference {

// Memory bounds of one connection.
struct ConnectionLimits {
  // on_data() stops taking input once this many output bytes wait to be sent, and
  // wants_read() turns false: back-pressure on a client that does not read.
  // The backlog stays below output_high_water + the larger of one reply line and
  // one on_data() input.
  std::size_t output_high_water = 256 * 1024;
  // echo + final-fragment drop must hold an unterminated fragment back until its
  // terminator arrives (a fragment dropped at EOF must never have been sent). The
  // size limit bounds it to max_record - 1 bytes; a held fragment longer than this
  // (max_record 0 or above this bound) fails the connection: it is closed once its
  // output drains.
  std::size_t max_held_fragment = 1024 * 1024;
};

class Connection {
 public:
  // `profile` must outlive the Connection (the server keeps one for all of them).
  explicit Connection(const Profile& profile, ConnectionLimits limits = {});

  // The connection was accepted: queues the greeting, if the profile has one.
  void on_open();

  // Bytes from the client. Returns how many it took: all of them unless the output
  // backlog reached the high-water mark, then the caller offers the rest again
  // once output was consumed. Input after the input side closed is discarded
  // (reported as taken).
  std::size_t on_data(std::string_view bytes);

  // The client half-closed. Every byte offered so far must have been taken. Answers
  // or drops the unterminated final fragment, and closes the input side.
  void on_eof();

  // The server stops serving this connection (capacity refusal, shutdown): no more
  // input is taken; replies already owed are still sent.
  void finish();

  // Capacity refusal instead of on_open(): queues "<refusal marker>\n" and finishes.
  void refuse();

  // Reply bytes waiting to be sent, oldest first.
  std::string_view output() const noexcept { return std::string_view(out_).substr(out_pos_); }
  // The first n bytes of output() were sent.
  void consume_output(std::size_t n) noexcept;

  // Whether the caller should read more input now (false under back-pressure and
  // once the input side is closed).
  bool wants_read() const noexcept;
  // No more input is taken (EOF, finish(), refuse() or failure).
  bool input_closed() const noexcept { return input_closed_; }
  // The input side is closed and all output was consumed: close the connection.
  bool done() const noexcept { return input_closed_ && output().empty(); }
  // The connection broke a bound (an over-long held fragment); done() follows.
  bool failed() const noexcept { return failed_; }

 private:
  std::size_t backlog() const noexcept { return out_.size() - out_pos_; }
  std::size_t take_framed(std::string_view bytes);

  const Profile& profile_;
  ConnectionLimits limits_;
  Framer framer_;
  std::string ack_line_;
  std::string out_;
  std::size_t out_pos_ = 0;
  std::string held_;  // echo + drop: the unterminated fragment not yet sent
  bool input_closed_ = false;
  bool failed_ = false;
};

}  // namespace linespec::reference
