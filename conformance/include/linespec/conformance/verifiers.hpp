// Shared verifiers, so that a case body says what it sends and little else: each
// runs sessions through the harness, asks the harness model of the active profile
// what must arrive, and turns the comparison into an Outcome that carries what was
// sent, expected and received. Called from the thread running the case.
#pragma once

#include <cstddef>
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

  static Exchange whole(std::string bytes);
  // `bytes` cut at `sizes` (what is left after the sizes is one last chunk).
  static Exchange split(std::string_view bytes, const std::vector<std::size_t>& sizes);
  static Exchange byte_by_byte(std::string_view bytes);
  // The same exchange, ending with the connection left open.
  Exchange staying_open() const;

  std::string bytes() const;  // every chunk, joined
  // For reports: `"a" "b\n" (2 chunks), then half-close`.
  std::string describe() const;
};

// The plan that runs `exchange`, the model's expectation for it, and the check.
harness::Plan plan_for(const Exchange& exchange, const harness::Model& model);
harness::Expectation expectation_for(const Exchange& exchange, const Profile& profile);
// Compares a finished session with the expectation. For kHalfClose the server must
// also have closed in an orderly way (FIN, not reset, not silence).
Outcome check_replies(const harness::SessionResult& result, const Exchange& exchange,
                      const harness::Expectation& expected, const Profile& profile);

// Runs `exchange` and checks every byte that arrives against the model.
Outcome verify_replies(CaseContext& ctx, const Exchange& exchange);

// Connects and, before writing anything, reads the greeting: exactly the
// profile's greeting line must arrive (N/A for a profile without a greeting).
Outcome verify_greeting(CaseContext& ctx);

// Runs `exchange` (which must end in a half-close) and checks only that the server
// then closes the connection in an orderly way, whatever it answered.
Outcome verify_closed(CaseContext& ctx, const Exchange& exchange);

// After `what_happened` (for reports: "a client reset mid-record"), a new client is
// greeted and answered: "SOME DATA\n" and a half-close get the model's replies.
Outcome verify_still_serving(CaseContext& ctx, std::string_view what_happened);

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
  void send(std::string bytes, bool wait_consumed = true);
  // Half-closes and reads until the server closes (kHalfClose), or reads the
  // replies owed so far (kStaysOpen); then compares everything with the model.
  Outcome finish(harness::ClientEnd end = harness::ClientEnd::kHalfClose);

 private:
  CheckedClient(CaseContext& ctx, harness::Session session) : ctx_(&ctx), session_(std::move(session)) {}

  CaseContext* ctx_;
  harness::Session session_;
  Exchange exchange_;
};

// An outcome for a session that could not even connect.
Outcome connect_failure(const Error& error);

}  // namespace linespec::conformance
