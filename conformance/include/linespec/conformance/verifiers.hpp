// Shared verifiers, so that a case body says what it sends and little else: they run
// recorded sessions, ask the model of the active profile what must arrive, and turn
// the comparison into an Outcome with its evidence; one that runs several sessions
// stops at the first failure. Called from the thread running the case.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/context.hpp"
#include "linespec/conformance/outcome.hpp"
#include "linespec/harness/model.hpp"
#include "linespec/harness/session.hpp"

namespace linespec::conformance {

// What a client does on one connection: write chunks in order (each consumed by
// the server before the next, so a chunk boundary is a read boundary), then
// either half-close and read until the server closes, or stay open and read the
// replies owed so far.
struct Exchange {
  std::vector<std::string> chunks;
  harness::ClientEnd end = harness::ClientEnd::kHalfClose;  // kHalfClose or kStaysOpen
  bool await_greeting = false;  // read the greeting before writing anything
  bool wait_consumed = true;    // false: write the chunks back to back
  bool read_meanwhile = true;   // false: written whole before reading (verify_pipelined)

  static Exchange whole(std::string bytes);
  // `bytes` cut at `sizes` (what is left after the sizes is one last chunk).
  static Exchange split(std::string_view bytes, const std::vector<std::size_t>& sizes);
  static Exchange byte_by_byte(std::string_view bytes);
  // `bytes` in chunks of `size` bytes (the last one shorter).
  static Exchange chunked(std::string_view bytes, std::size_t size);
  // The same exchange, ending with the connection left open.
  Exchange staying_open() const;
  // The same exchange, after reading the greeting first.
  Exchange after_greeting() const;

  std::string bytes() const;  // every chunk, joined
  // For reports: `"a" "b\n" in 2 chunks of 1, 2 bytes, then half-close`.
  std::string describe() const;
};

// The plan that runs `exchange`, the model's expectation for it, and the check.
harness::Plan plan_for(const Exchange& exchange, const Profile& profile);
harness::Expectation expectation_for(const Exchange& exchange, const Profile& profile);
// Compares a finished session with the expectation. For kHalfClose the server must
// also have closed in an orderly way (FIN, not reset, not silence).
Outcome check_replies(const harness::SessionResult& result, const Exchange& exchange,
                      const harness::Expectation& expected, const Profile& profile);

// Runs `exchange` and checks every byte that arrives against the model.
Outcome verify_replies(CaseContext& ctx, const Exchange& exchange);
// Runs each exchange on its own connection, stopping at the first that fails; the
// failure names which one ("split at byte 3 of 12: ...").
Outcome verify_each(CaseContext& ctx, const std::vector<Exchange>& exchanges,
                    const std::vector<std::string>& labels);
// The same bytes split in two at every position, one connection each.
Outcome verify_every_split(CaseContext& ctx, std::string_view bytes);

// Writes `bytes` in one go without reading (a client that reads only after sending
// everything), then reads the replies owed, then half-closes and reads the rest.
Outcome verify_pipelined(CaseContext& ctx, const std::string& bytes);

// Connects and, before writing anything, reads the greeting: exactly the
// profile's greeting line must arrive (N/A for a profile without a greeting).
Outcome verify_greeting(CaseContext& ctx);

// Runs `exchange` (which must end in a half-close) and checks only that the server
// then closes the connection in an orderly way, whatever it answered.
Outcome verify_closed(CaseContext& ctx, const Exchange& exchange);

// After `what_happened` (for reports: "a client reset mid-record"), a new client is
// greeted and answered: "SOME DATA\n" and a half-close get the model's replies.
Outcome verify_still_serving(CaseContext& ctx, std::string_view what_happened);
// Runs `plan` (a misbehaving client: whatever arrives is fine), then
// verify_still_serving().
Outcome verify_still_serving_after(CaseContext& ctx, const harness::Plan& plan, std::string_view what_happened);
// A failure when a misbehaving client's own session already shows a broken server
// (it read nothing until the inactivity timeout, flooded it, or could not be
// reached); nothing when it ended as its plan said. Checking the next client too
// would only add a timeout to a verdict that is certain.
std::optional<Outcome> misbehaving_client_stalled(const harness::SessionResult& result, std::string_view what);

// A client driven step by step (for cases that interleave several connections),
// whose whole conversation is checked against the model when it finishes.
class CheckedClient {
 public:
  // Connects. Errors: kUnreachable naming the target.
  static Result<CheckedClient> connect(CaseContext& ctx);

  // Waits until the server serves this client: the greeting arrived, or, for a
  // profile without one, the reply to a first record "x\n". False on timeout.
  bool await_service();
  // Writes a chunk (waiting until the server consumed it, when `wait_consumed`).
  // False once the session has ended (nothing more is sent then): the caller
  // should finish() and report.
  bool send(std::string bytes, bool wait_consumed = true);
  // Reads until every reply owed so far arrived; false when they did not (the
  // conversation is then judged by finish()).
  bool await_replies();
  // Half-closes and reads until the server closes (kHalfClose), or reads the
  // replies owed so far (kStaysOpen); then compares everything with the model.
  Outcome finish(harness::ClientEnd end = harness::ClientEnd::kHalfClose);

  const std::string& received() const { return session_.received(); }
  bool ended() const { return session_.ended(); }
  CaseSession& session() { return session_; }

 private:
  CheckedClient(CaseContext& ctx, CaseSession session) : ctx_(&ctx), session_(std::move(session)) {}

  CaseContext* ctx_;
  CaseSession session_;
  Exchange exchange_;
};

// `count` clients, each served before the next connects, all left open; or the
// outcome that says which one was not served.
struct ServedClients {
  std::vector<CheckedClient> clients;
  std::optional<Outcome> failed;
};
// At a known capacity a client turned away below it is not yet a failure: the
// server may not have noticed that the clients of the case before have left. Then
// every client is let go and all are opened again, after a pause that doubles each
// time (there is no event to wait for), until the inactivity timeout has passed.
ServedClients open_served_clients(CaseContext& ctx, std::size_t count);

// An outcome for a session that could not even connect.
Outcome connect_failure(const Error& error);
// A failure whose evidence is stated in words, for cases that check more than
// one conversation (e.g. "200 clients opened at once").
Outcome failure_with(std::string message, std::string sent, std::string expected, std::string received);
// Prefixes a failure's message with what the case was doing ("client 3 of 16: ").
Outcome prefixed(Outcome outcome, std::string_view prefix);

// N/A unless concurrency cases apply (profile or measured); an unreachable
// target is a failure.
std::optional<Outcome> unless_concurrent(CaseContext& ctx);
// N/A for a stream profile, which has no records.
std::optional<Outcome> unless_records(CaseContext& ctx);
// N/A unless the profile's terminators are `mode` (and it has records).
std::optional<Outcome> unless_terminators(CaseContext& ctx, Terminators mode);
// N/A unless the profile limits records (max-record > 0, and it has records).
std::optional<Outcome> unless_limited(CaseContext& ctx);

}  // namespace linespec::conformance
