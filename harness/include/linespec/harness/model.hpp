// The oracle: what a server implementing a Profile must send back for the bytes a
// client sent, written from the protocol rules alone (greeting, record framing per
// terminator mode and size limit, ack/echo/stream replies, end of stream). Feed it
// in any chunks: record boundaries, and so the result, never depend on chunking.
// Plain values, standard library only (fuzz targets link it); one thread at a time
// per Model, const calls included (records() builds its result on demand).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/protocol/profile.hpp"

namespace linespec::harness {

// What the received bytes must be, where the protocol allows several outcomes.
struct Expectation {
  enum class Kind {
    kExact,     // exactly `bytes` (then any prefix of `may_follow`)
    kPrefixOf,  // any prefix of `bytes`: none, some or all of it
    kAny,       // anything at all (e.g. what arrives after the client reset)
  };
  Kind kind = Kind::kAny;
  std::string bytes;
  // kExact: bytes the server may already have sent after `bytes`, as a prefix of
  // these: an echo server answering final fragments may echo a record's bytes before
  // the record ends, since it owes them whatever the client does next.
  std::string may_follow;

  static Expectation exact(std::string bytes, std::string may_follow = {});
  static Expectation prefix_of(std::string bytes);
  static Expectation any();

  bool matches(std::string_view received) const;
  // For reports: `exactly "connect\n"`, `a prefix of "..."`, `anything`.
  std::string describe() const;
  bool operator==(const Expectation&) const = default;
};

// How the client ends the conversation, for Model::expectation().
enum class ClientEnd {
  kStaysOpen,  // still connected when it stops reading: replies to complete records
  kHalfClose,  // FIN: every record answered, the final fragment per profile, then close
  kFullClose,  // closed both ways: it may have seen any prefix of the replies
  kReset,      // RST: likewise any prefix; what the server does next is undefined
};

class Model {
 public:
  explicit Model(Profile profile);

  // The bytes the client sent next. Ignored after end_of_stream().
  void feed(std::string_view bytes);
  // The client half-closed: a non-empty unterminated fragment becomes a record
  // (final_fragment = answer) or is dropped; the server must then close.
  void end_of_stream();

  const Profile& profile() const { return profile_; }
  // Complete records so far, terminators included, in order (stream: none). Built
  // on demand: the reference stays valid until the next call of records().
  const std::vector<std::string>& records() const;
  // The same records as offsets: where each one ends in the bytes fed so far. The
  // records, concatenated, are the first record_ends().back() bytes sent.
  const std::vector<std::size_t>& record_ends() const { return record_ends_; }
  // Bytes of the record in progress (stream: none).
  const std::string& fragment() const { return fragment_; }
  // The greeting line, or empty.
  std::string greeting() const { return greeting_line_; }
  // Reply bytes owed so far, greeting excluded.
  const std::string& replies() const { return replies_; }
  // Everything the server must have sent so far: greeting, then replies.
  std::string output() const;
  // True once end_of_stream() was called: the server must close after its output.
  bool must_close() const { return ended_; }

  // What a client that ends the way `end` says must receive, for everything fed so
  // far (kHalfClose applies end_of_stream() to a copy). Echo with final_fragment =
  // answer owes the bytes of the record in progress too, so a server may send them
  // early: kStaysOpen allows a prefix of fragment() after output(), and kFullClose and
  // kReset a prefix of output() + fragment().
  Expectation expectation(ClientEnd end) const;
  // expectation(ClientEnd::kStaysOpen).matches(received), without building the
  // expectation: for checks that run after every chunk (the fuzz targets).
  bool received_is_owed(std::string_view received) const;

 private:
  // Ends the record made of fragment_ and then `tail`.
  void complete_record(std::string_view tail, bool ended_by_cr);

  Profile profile_;
  std::string greeting_line_;  // profile_.greeting_line(), built once
  std::string ack_line_;       // profile_.ack_line(), built once
  std::string record_bytes_;               // every complete record, concatenated
  std::vector<std::size_t> record_ends_;   // where each record ends in record_bytes_
  mutable std::vector<std::string> records_;  // records(), built from the two above
  std::string fragment_;
  std::string replies_;
  bool last_record_ended_by_cr_ = false;  // crlf-or-lf: an LF next joins that record
  bool ended_ = false;
};

// One-shot form: the records and full output for `sent`, and whether the server must
// close (true exactly when the client half-closed).
struct Prediction {
  std::vector<std::string> records;
  std::string output;  // greeting + replies
  bool server_closes = false;
};
Prediction predict(const Profile& profile, std::string_view sent, bool half_closed);

}  // namespace linespec::harness
