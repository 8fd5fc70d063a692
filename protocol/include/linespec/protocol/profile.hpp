// The protocol's knobs as data. A Profile says which variant of the line protocol
// a server implements (greeting, reply kind, terminators, record limit, what happens
// to a final fragment at EOF, concurrency); the reference server, the harness model
// and the conformance suite all read the same struct. Plain value type, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/protocol/result.hpp"

namespace linespec {

enum class ReplyKind {
  kAck,     // one fixed line per record
  kEcho,    // each record sent back verbatim, terminator included
  kStream,  // bytes sent back in order with no framing (RFC 862)
};

enum class Terminators {
  kCrOrLf,    // "cr,lf": CR ends a record, LF ends a record
  kLf,        // "lf": only LF ends a record; CR is data
  kCrlfOrLf,  // "crlf-or-lf": CRLF is one terminator, a lone CR or LF is one too
};

enum class FinalFragment {
  kAnswer,  // a non-empty unterminated fragment at EOF is a record
  kDrop,    // it is discarded
};

enum class Concurrency {
  kAny,         // decide by checking whether a second client is greeted
  kConcurrent,  // concurrency cases are MUST
  kSequential,  // concurrency cases are N/A
};

struct Profile {
  std::string name = "seed";
  std::optional<std::string> greeting = "connect";  // the line text, without "\n"
  std::string refusal_marker = "not connect";
  std::optional<std::size_t> capacity;  // connection cap, when known
  ReplyKind reply = ReplyKind::kAck;
  std::string ack_text = "Information Received";  // without "\n"
  Terminators terminators = Terminators::kCrOrLf;
  std::size_t max_record = 1024;  // 0 = unlimited
  FinalFragment final_fragment = FinalFragment::kAnswer;
  Concurrency concurrency = Concurrency::kAny;

  // The exact bytes of the greeting ("connect\n"), empty without one.
  std::string greeting_line() const;
  // The exact bytes of the ack reply ("Information Received\n").
  std::string ack_line() const;

  bool operator==(const Profile&) const = default;
};

// The built-in profiles, by name: seed, lf, echo, stream.
std::optional<Profile> builtin_profile(std::string_view name);
std::vector<std::string_view> builtin_profile_names();

// Names of the enum values as they appear in profile files ("cr,lf", "echo", ...).
std::string_view to_string(ReplyKind kind);
std::string_view to_string(Terminators terminators);
std::string_view to_string(FinalFragment fragment);
std::string_view to_string(Concurrency concurrency);

}  // namespace linespec
