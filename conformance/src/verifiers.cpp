// The verifiers that run whole conversations; exchange.cpp compares their results.
#include "linespec/conformance/verifiers.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "linespec/harness/model.hpp"
#include "linespec/harness/transcript.hpp"
#include "service.hpp"

namespace linespec::conformance {

using harness::ClientEnd;
using harness::Ending;

namespace {

// Enough to show what went wrong when more than `expected` arrives, without
// reading a flood to its end.
constexpr std::size_t kSlack = 64u << 10;

}  // namespace

Outcome verify_replies(CaseContext& ctx, const Exchange& exchange) {
  harness::Expectation expected = expectation_for(exchange, ctx.profile());
  harness::SessionResult result =
      ctx.run_session(plan_for(exchange, ctx.profile()), expected.bytes.size() + kSlack);
  return check_replies(result, exchange, expected, ctx.profile());
}

Outcome verify_each(CaseContext& ctx, const std::vector<Exchange>& exchanges, const std::vector<std::string>& labels) {
  for (std::size_t i = 0; i < exchanges.size(); ++i) {
    Outcome outcome = verify_replies(ctx, exchanges[i]);
    if (outcome.verdict != Verdict::kPass) {
      std::string label = i < labels.size() ? labels[i] : "exchange " + std::to_string(i + 1);
      return prefixed(std::move(outcome), label + " (" + std::to_string(i + 1) + " of " +
                                              std::to_string(exchanges.size()) + ")");
    }
  }
  return Outcome::pass();
}

Outcome verify_every_split(CaseContext& ctx, std::string_view bytes) {
  std::vector<Exchange> exchanges;
  std::vector<std::string> labels;
  for (std::size_t at = 1; at < bytes.size(); ++at) {
    exchanges.push_back(Exchange::split(bytes, {at}));
    labels.push_back("split after byte " + std::to_string(at));
  }
  return verify_each(ctx, exchanges, labels);
}

Outcome verify_pipelined(CaseContext& ctx, const std::string& bytes) {
  Exchange exchange = Exchange::whole(bytes);
  exchange.read_meanwhile = false;
  harness::Expectation expected = expectation_for(exchange, ctx.profile());
  auto session = ctx.open_session(expected.bytes.size() + kSlack);
  if (!session) return connect_failure(session.error());
  Status written = session->write_without_reading(bytes, harness::Clock::now() + ctx.config().timeout);
  if (written) session->close(harness::CloseMode::kHalfClose);
  harness::SessionResult result = session->finish();
  if (!written) {
    return failure_with("the server did not take the records while their replies went unread: " +
                            written.error().message,
                        exchange.describe(), "every record taken, then its reply", "the write did not complete");
  }
  return check_replies(result, exchange, expected, ctx.profile());
}

Outcome verify_greeting(CaseContext& ctx) {
  if (!ctx.profile().greeting) return Outcome::not_applicable("the profile has no greeting");
  std::string greeting = ctx.profile().greeting_line();
  harness::SessionResult result = ctx.run_session({harness::Step::expect(greeting.size())});
  Exchange nothing = Exchange().staying_open();
  return check_replies(result, nothing, harness::Expectation::exact(greeting), ctx.profile());
}

Outcome verify_closed(CaseContext& ctx, const Exchange& exchange) {
  harness::SessionResult result = ctx.run_session(plan_for(exchange, ctx.profile()));
  if (result.ending == Ending::kPeerClosed) return Outcome::pass();
  return check_replies(result, exchange, harness::Expectation::any(), ctx.profile());
}

Outcome verify_still_serving(CaseContext& ctx, std::string_view what_happened) {
  Outcome outcome = verify_replies(ctx, Exchange::whole("SOME DATA\n"));
  if (outcome.verdict == Verdict::kFail) {
    outcome.message = "after " + std::string(what_happened) + ", a new client was not served: " + outcome.message;
  }
  return outcome;
}

Outcome verify_still_serving_after(CaseContext& ctx, const harness::Plan& plan, std::string_view what_happened) {
  // The misbehaving client is owed the replies to all it sent, which may be more
  // than the default cap: only bytes beyond that are a flood.
  harness::Model model(ctx.profile());
  for (const harness::Step& step : plan) {
    if (step.kind == harness::Step::Kind::kSend) model.feed(step.bytes);
  }
  const std::size_t owed = model.output().size() + model.fragment().size();
  const std::size_t cap = std::max(kDefaultMaxReceived, owed + kSlack);
  if (auto stalled = misbehaving_client_stalled(ctx.run_session(plan, cap), what_happened)) return *stalled;
  return verify_still_serving(ctx, what_happened);
}

std::optional<Outcome> misbehaving_client_stalled(const harness::SessionResult& result, std::string_view what) {
  if (result.ending == Ending::kError && result.error && result.received.empty()) {
    return connect_failure(*result.error);
  }
  std::string why;
  switch (result.ending) {
    case Ending::kInactivity: why = "the server took none of its bytes and sent nothing"; break;
    case Ending::kFlooded: why = "the server sent more than a client is owed"; break;
    case Ending::kHardCap: why = "the session ran into its hard cap"; break;
    case Ending::kError: why = result.error ? result.error->message : "an I/O error"; break;
    case Ending::kOpen:
    case Ending::kClosedByHarness:
    case Ending::kPeerClosed:
    case Ending::kPeerReset: return std::nullopt;
  }
  return failure_with("while setting up (" + std::string(what) + "): " + why,
                      harness::escape_bytes(result.transcript.sent(), 64), "the server reads what the client sends",
                      harness::escape_bytes(result.received, 64) + ", then " + std::string(harness::to_string(result.ending)));
}

Result<CheckedClient> CheckedClient::connect(CaseContext& ctx) {
  auto session = ctx.open_session();
  if (!session) return session.error();
  return CheckedClient(ctx, std::move(*session));
}

bool CheckedClient::await_service() {
  if (ctx_->profile().greeting) {
    exchange_.await_greeting = true;
  } else {
    exchange_.chunks.emplace_back(kServiceProbe);
  }
  return conformance::await_service(session_, ctx_->profile());
}

bool CheckedClient::send(std::string bytes, bool wait_consumed) {
  if (session_.ended()) return false;
  bool going = session_.send(bytes, wait_consumed);
  exchange_.chunks.push_back(std::move(bytes));
  return going;
}

bool CheckedClient::await_replies() {
  std::size_t owed = expectation_for(exchange_.staying_open(), ctx_->profile()).bytes.size();
  return session_.expect(owed) && session_.received().size() >= owed;
}

Outcome CheckedClient::finish(ClientEnd end) {
  exchange_.end = end;
  harness::Expectation expected = expectation_for(exchange_, ctx_->profile());
  if (end == ClientEnd::kHalfClose) {
    session_.close(harness::CloseMode::kHalfClose);
  } else {
    session_.expect(expected.bytes.size());
  }
  return check_replies(session_.finish(), exchange_, expected, ctx_->profile());
}

namespace {

std::string client_label(std::size_t index, std::size_t count) {
  return "client " + std::to_string(index + 1) + " of " + std::to_string(count);
}

// One attempt of open_served_clients(); `turned_away` says whether the first
// failure was a refusal below the capacity (worth another attempt).
ServedClients open_served_once(CaseContext& ctx, std::size_t count, bool& turned_away) {
  ServedClients served;
  served.clients.reserve(count);
  turned_away = false;
  const Profile& profile = ctx.profile();
  for (std::size_t i = 0; i < count; ++i) {
    auto client = CheckedClient::connect(ctx);
    if (!client) {
      served.failed = failure_with(client_label(i, count) + " could not connect: " + client.error().message,
                                   std::to_string(count) + " clients connected one after another, all kept open",
                                   "every client served", std::to_string(i) + " served");
      return served;
    }
    served.clients.push_back(std::move(*client));
    CheckedClient& last = served.clients.back();
    if (!last.await_service()) {
      turned_away = profile.capacity && i < *profile.capacity && !profile.refusal_marker.empty() &&
                    last.received().find(profile.refusal_marker) != std::string::npos;
      served.failed = prefixed(last.finish(ClientEnd::kStaysOpen),
                               client_label(i, count) + ", with " + std::to_string(i) + " others open");
      return served;
    }
  }
  return served;
}

}  // namespace

ServedClients open_served_clients(CaseContext& ctx, std::size_t count) {
  auto give_up_at = std::chrono::steady_clock::now() + ctx.config().timeout;
  std::chrono::milliseconds pause(5);
  for (;;) {
    bool turned_away = false;
    ServedClients served = open_served_once(ctx, count, turned_away);
    if (!served.failed || !turned_away || std::chrono::steady_clock::now() + pause > give_up_at) return served;
    served.clients.clear();
    std::this_thread::sleep_for(pause);
    pause *= 2;
  }
}

Outcome failure_with(std::string message, std::string sent, std::string expected, std::string received) {
  return Outcome::fail(std::move(message), std::move(sent), std::move(expected), std::move(received));
}

Outcome prefixed(Outcome outcome, std::string_view prefix) {
  if (outcome.verdict == Verdict::kFail) outcome.message = std::string(prefix) + ": " + outcome.message;
  return outcome;
}

std::optional<Outcome> unless_concurrent(CaseContext& ctx) {
  auto applies = ctx.concurrency_applies();
  if (!applies) return connect_failure(applies.error());
  if (*applies) return std::nullopt;
  return Outcome::not_applicable(ctx.why_not_concurrent());
}

std::optional<Outcome> unless_records(CaseContext& ctx) {
  if (ctx.profile().reply == ReplyKind::kStream) return Outcome::not_applicable("a stream server has no records");
  return std::nullopt;
}

std::optional<Outcome> unless_terminators(CaseContext& ctx, Terminators mode) {
  if (auto none = unless_records(ctx)) return none;
  if (ctx.profile().terminators != mode) {
    return Outcome::not_applicable("the profile's terminators are " +
                                   std::string(to_string(ctx.profile().terminators)));
  }
  return std::nullopt;
}

std::optional<Outcome> unless_limited(CaseContext& ctx) {
  if (auto none = unless_records(ctx)) return none;
  if (ctx.profile().max_record == 0) return Outcome::not_applicable("the profile has no record size limit");
  return std::nullopt;
}

}  // namespace linespec::conformance
