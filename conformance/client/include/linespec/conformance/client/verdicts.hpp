// Shared judges for client cases, so that a case body says what the played server
// does and little else: each turns a ClientRun into an Outcome that carries what the
// kit sent, what a conforming client does, and what this client did. Pure functions;
// any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/client/session.hpp"
#include "linespec/conformance/outcome.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::conformance {

// What the client did, for the "received:" line: `sent "SOME DATA\n" (1 record),
// half-closed, ended with exit 0 after 12 ms`, plus the last line of its stderr.
std::string describe_client(const ClientRun& run);

// The exchange went through: the client connected, sent at least one record, and
// ended on its own with exit 0 within the bound.
Outcome verify_completed(const ClientRun& run, std::chrono::milliseconds timeout);

// The client gave up: it connected and ended on its own within the bound with a
// non-zero exit status; with `nothing_sent`, it also sent no byte at all. `because`
// says what the server did, for the message ("the server closed before the greeting").
Outcome verify_gave_up(const ClientRun& run, std::chrono::milliseconds timeout, std::string_view because,
                       bool nothing_sent);

// A failure with this run's evidence: `expected` says what a conforming client does.
Outcome client_failure(std::string message, const ClientRun& run, std::string expected);

// N/A when the client sent fewer than `n` records (the case needs several).
std::optional<Outcome> needs_records(const ClientRun& run, std::size_t n);

// The text each reply shows on the client's stdout, in order: the ack text per
// record, or each record without its terminators (echo); for stream, each line of
// what the client sent.
std::vector<std::string> printed_replies(const ClientRun& run, const Profile& profile);

}  // namespace linespec::conformance
