#include "linespec/protocol/profile.hpp"

namespace linespec {

std::string Profile::greeting_line() const { return greeting ? *greeting + "\n" : std::string(); }

std::string Profile::ack_line() const { return ack_text + "\n"; }

std::optional<Profile> builtin_profile(std::string_view name) {
  Profile p;  // the defaults are the seed profile
  if (name == "seed") return p;
  p.name = std::string(name);
  if (name == "lf") {
    p.terminators = Terminators::kLf;
    return p;
  }
  if (name == "echo") {
    p.reply = ReplyKind::kEcho;
    return p;
  }
  if (name == "stream") {
    // RFC 862 echo: no greeting, no framing; every byte comes back before the close.
    p.greeting.reset();
    p.reply = ReplyKind::kStream;
    p.max_record = 0;
    return p;
  }
  return std::nullopt;
}

std::vector<std::string_view> builtin_profile_names() { return {"seed", "lf", "echo", "stream"}; }

std::string_view to_string(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::kAck: return "ack";
    case ReplyKind::kEcho: return "echo";
    case ReplyKind::kStream: return "stream";
  }
  return "?";
}

std::string_view to_string(Terminators terminators) {
  switch (terminators) {
    case Terminators::kCrOrLf: return "cr,lf";
    case Terminators::kLf: return "lf";
    case Terminators::kCrlfOrLf: return "crlf-or-lf";
  }
  return "?";
}

std::string_view to_string(FinalFragment fragment) {
  switch (fragment) {
    case FinalFragment::kAnswer: return "answer";
    case FinalFragment::kDrop: return "drop";
  }
  return "?";
}

std::string_view to_string(Concurrency concurrency) {
  switch (concurrency) {
    case Concurrency::kAny: return "any";
    case Concurrency::kConcurrent: return "concurrent";
    case Concurrency::kSequential: return "sequential";
  }
  return "?";
}

}  // namespace linespec
