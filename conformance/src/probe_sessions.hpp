// The sessions the probe runs, as small questions to the target: what arrives for
// these bytes and a half-close, what arrives before silence, whether a client is
// served while others are open. Owned by the probe; one thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/probe.hpp"
#include "linespec/harness/session.hpp"

namespace linespec::conformance {

class ProbeSessions {
 public:
  ProbeSessions(harness::Target target, ProbeOptions options) : target_(std::move(target)), options_(options) {}

  const ProbeOptions& options() const { return options_; }

  // Sends `bytes`, half-closes, reads until the server closes (or the timeout).
  harness::SessionResult half_closed(std::string_view bytes) const;
  // Reads `greeting` (its size), sends `bytes`, then reads until nothing arrives
  // for the quiet time; what arrived after the greeting.
  std::string until_quiet(std::string_view greeting, std::string_view bytes) const;
  // Opens a connection (errors: kUnreachable).
  Result<harness::Session> open() const;

 private:
  harness::Target target_;
  ProbeOptions options_;
};

// `bytes` without a leading `greeting`, if it starts with it.
std::string_view after_greeting(std::string_view bytes, std::string_view greeting);
// How many `line`s `bytes` is made of, if nothing else.
std::optional<std::size_t> count_lines(std::string_view bytes, std::string_view line);

}  // namespace linespec::conformance
