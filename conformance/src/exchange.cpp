// Exchanges, their plans and expectations, and the comparison that turns a finished
// session into an Outcome with its evidence.
#include <algorithm>
#include <optional>
#include <utility>

#include "byte_text.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {
namespace {

using harness::ClientEnd;
using harness::Ending;

std::size_t first_difference(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// How the session ended, as the tail of a "received:" line.
std::string ending_phrase(const harness::SessionResult& result) {
  switch (result.ending) {
    case Ending::kOpen:
    case Ending::kClosedByHarness: return "";
    case Ending::kPeerClosed: return ", then the server closed the connection";
    case Ending::kPeerReset: return ", then the server reset the connection";
    case Ending::kInactivity: return ", then nothing until the inactivity timeout";
    case Ending::kHardCap: return ", then the session reached its hard cap";
    case Ending::kFlooded: return ", then the session was cut off: too many bytes";
    case Ending::kError: return ", then an I/O error: " + (result.error ? result.error->message : std::string("?"));
  }
  return "";
}

std::string mismatch_message(std::string_view expected, std::string_view received) {
  std::size_t at = first_difference(expected, received);
  if (at == received.size() && received.size() < expected.size()) {
    return std::to_string(received.size()) + " of " + std::to_string(expected.size()) +
           " expected bytes arrived";
  }
  if (at == expected.size()) {
    return std::to_string(received.size() - expected.size()) + " bytes more than expected arrived";
  }
  return "the bytes received differ from the expected ones at byte " + std::to_string(at);
}

// For ack replies the count says more than the bytes: how many whole ack lines
// follow the greeting, if that is all there is.
std::optional<std::size_t> ack_count(const Profile& profile, std::string_view bytes) {
  if (profile.reply != ReplyKind::kAck || profile.ack_text.empty()) return std::nullopt;
  std::string greeting = profile.greeting_line();
  if (bytes.substr(0, greeting.size()) != greeting) return std::nullopt;
  bytes.remove_prefix(greeting.size());
  std::string ack = profile.ack_line();
  std::size_t count = 0;
  for (; !bytes.empty(); ++count) {
    if (bytes.substr(0, ack.size()) != ack) return std::nullopt;
    bytes.remove_prefix(ack.size());
  }
  return count;
}

std::string mismatch_message(const Profile& profile, std::string_view expected, std::string_view received) {
  std::string message = mismatch_message(expected, received);
  auto want = ack_count(profile, expected);
  auto got = ack_count(profile, received);
  if (want && got) {
    message += ": " + std::to_string(*got) + (*got == 1 ? " reply" : " replies") + " instead of " +
               std::to_string(*want);
  }
  return message;
}

Outcome failure(std::string message, const harness::SessionResult& result, const Exchange& exchange,
                const harness::Expectation& expected) {
  std::size_t at = first_difference(expected.bytes, result.received);
  std::string expected_text = expected.kind == harness::Expectation::Kind::kExact
                                  ? describe_bytes_near(expected.bytes, at)
                                  : expected.describe();
  if (exchange.end == ClientEnd::kHalfClose) expected_text += ", then the server closes the connection";
  std::string sent = exchange.describe();
  // Whether chunk boundaries were certain read boundaries at the server, or only likely.
  if (exchange.chunks.size() > 1 && exchange.wait_consumed && !result.delivery.empty()) {
    sent += " (delivery: " + result.delivery + ")";
  }
  return Outcome::fail(std::move(message), std::move(sent), std::move(expected_text),
                       describe_bytes_near(result.received, at) + ending_phrase(result));
}

}  // namespace

Exchange Exchange::whole(std::string bytes) {
  Exchange exchange;
  if (!bytes.empty()) exchange.chunks.push_back(std::move(bytes));
  return exchange;
}

Exchange Exchange::split(std::string_view bytes, const std::vector<std::size_t>& sizes) {
  Exchange exchange;
  for (std::size_t size : sizes) {
    if (size == 0 || bytes.empty()) continue;
    size = std::min(size, bytes.size());
    exchange.chunks.emplace_back(bytes.substr(0, size));
    bytes.remove_prefix(size);
  }
  if (!bytes.empty()) exchange.chunks.emplace_back(bytes);
  return exchange;
}

Exchange Exchange::byte_by_byte(std::string_view bytes) { return chunked(bytes, 1); }

Exchange Exchange::chunked(std::string_view bytes, std::size_t size) {
  size = std::max<std::size_t>(size, 1);
  return split(bytes, std::vector<std::size_t>(bytes.size() / size + 1, size));
}

Exchange Exchange::staying_open() const {
  Exchange open = *this;
  open.end = ClientEnd::kStaysOpen;
  return open;
}

Exchange Exchange::after_greeting() const {
  Exchange greeted = *this;
  greeted.await_greeting = true;
  return greeted;
}

std::string Exchange::bytes() const {
  std::string all;
  for (const std::string& chunk : chunks) all += chunk;
  return all;
}

std::string Exchange::describe() const {
  std::string text = chunks.empty() ? std::string("nothing") : describe_bytes(bytes()).text;
  if (chunks.size() > 1) {
    text += " in " + std::to_string(chunks.size()) + " chunks";
    bool all_single = std::all_of(chunks.begin(), chunks.end(), [](const std::string& c) { return c.size() == 1; });
    if (all_single) {
      text += " of 1 byte";
    } else if (chunks.size() <= 8) {
      text += " of";
      for (std::size_t i = 0; i < chunks.size(); ++i) {
        text += (i == 0 ? " " : ", ") + std::to_string(chunks[i].size());
      }
      text += " bytes";
    }
    if (!wait_consumed) text += " back to back";
  }
  if (!read_meanwhile) text += " (written whole before reading)";
  if (await_greeting) text = "(after the greeting) " + text;
  text += end == ClientEnd::kHalfClose ? ", then half-close" : ", connection left open";
  return text;
}

harness::Expectation expectation_for(const Exchange& exchange, const Profile& profile) {
  harness::Model model(profile);
  for (const std::string& chunk : exchange.chunks) model.feed(chunk);
  return model.expectation(exchange.end);
}

harness::Plan plan_for(const Exchange& exchange, const Profile& profile) {
  harness::Plan plan;
  if (exchange.await_greeting && profile.greeting) {
    plan.push_back(harness::Step::expect(profile.greeting_line().size()));
  }
  for (const std::string& chunk : exchange.chunks) plan.push_back(harness::Step::send(chunk, exchange.wait_consumed));
  if (exchange.end == ClientEnd::kHalfClose) {
    plan.push_back(harness::Step::close(harness::CloseMode::kHalfClose));
  } else {
    plan.push_back(harness::Step::expect(expectation_for(exchange, profile).bytes.size()));
  }
  return plan;
}

Outcome check_replies(const harness::SessionResult& result, const Exchange& exchange,
                      const harness::Expectation& expected, const Profile& profile) {
  if (result.ending == Ending::kError && result.error && result.received.empty()) {
    return connect_failure(*result.error);
  }
  if (!expected.matches(result.received)) {
    std::string message = expected.kind == harness::Expectation::Kind::kExact
                              ? mismatch_message(profile, expected.bytes, result.received)
                              : "the bytes received are not " + expected.describe();
    return failure(std::move(message), result, exchange, expected);
  }
  if (exchange.end == ClientEnd::kHalfClose && result.ending != Ending::kPeerClosed) {
    std::string message = result.ending == Ending::kPeerReset
                              ? "the server reset the connection instead of closing it"
                              : "the server did not close the connection after the client half-closed";
    return failure(std::move(message), result, exchange, expected);
  }
  if (exchange.end == ClientEnd::kStaysOpen &&
      (result.ending == Ending::kPeerClosed || result.ending == Ending::kPeerReset)) {
    return failure("the server ended the connection while the client kept it open", result, exchange, expected);
  }
  return Outcome::pass();
}

Outcome connect_failure(const Error& error) {
  return Outcome::fail("cannot connect: " + error.message, "a connection attempt", "the connection accepted",
                       error.message);
}

}  // namespace linespec::conformance
