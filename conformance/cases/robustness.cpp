// SPEC.md section 7: robustness. Hostile and heavy clients; after each, the server
// must still frame correctly and serve others.
#include <poll.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "linespec/conformance/verifiers.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {
namespace {

using harness::CloseMode;
using harness::Step;

// Deterministic bytes of every value (xorshift): the same run after run, so a
// failure replays exactly.
std::string noise(std::size_t size, std::uint32_t seed) {
  std::string bytes(size, '\0');
  std::uint32_t x = seed;
  for (char& byte : bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    byte = static_cast<char>(x & 0xff);
  }
  return bytes;
}

// Chunk sizes from 1 to 97 bytes, deterministic like noise().
std::vector<std::size_t> ragged_sizes(std::size_t total, std::uint32_t seed) {
  std::vector<std::size_t> sizes;
  std::uint32_t x = seed;
  for (std::size_t sum = 0; sum < total;) {
    x = x * 1103515245u + 12345u;
    std::size_t size = 1 + (x >> 16) % 97;
    sizes.push_back(size);
    sum += size;
  }
  return sizes;
}

// A client that writes without ever reading, until its writes block (the server
// stopped reading: back-pressure) or `limit` bytes went out. Empty records, so that
// an ack server owes 21 bytes for each byte read and its replies soon fill every
// buffer between the two. Returns the bytes written; the session stays open.
std::size_t write_until_blocked(CaseSession& session, std::size_t limit, std::chrono::milliseconds blocked_for) {
  const std::string chunk(64 * 1024, '\n');
  harness::Connection& connection = session.session().connection();
  std::size_t written = 0;
  while (written < limit) {
    harness::IoResult r = connection.write_some(chunk);
    if (r.state == harness::IoResult::State::kOk) {
      written += r.bytes;
      continue;
    }
    if (r.state != harness::IoResult::State::kWouldBlock) break;
    pollfd fd{connection.write_fd(), POLLOUT, 0};
    if (::poll(&fd, 1, static_cast<int>(blocked_for.count())) == 0) break;  // blocked: back-pressure
  }
  session.record_written(written, chunk[0]);
  return written;
}

std::string mebibytes(std::size_t bytes) {
  return std::to_string(bytes >> 20) + "." + std::to_string(((bytes & 0xfffff) * 10) >> 20) + " MiB";
}

}  // namespace

void register_robustness_cases(Registry& registry) {
  registry.add({"robustness/1", "ROBUST-1", Level::kMust, "100 times the limit without a terminator is framed",
                [](CaseContext& ctx) {
                  std::size_t n = ctx.profile().max_record == 0 ? 1024 : ctx.profile().max_record;
                  return verify_replies(ctx, Exchange::chunked(std::string(100 * n, 'L') + "\nend\n", 4096));
                }});

  registry.add({"robustness/2", "ROBUST-1", Level::kMust, "after 1 MiB without a terminator, others are served",
                [](CaseContext& ctx) {
                  harness::Plan plan{Step::send(std::string(1 << 20, 'L'), false), Step::close(CloseMode::kReset)};
                  return verify_still_serving_after(ctx, plan, "a client sent 1 MiB without a terminator");
                }});

  registry.add({"robustness/3", "ROBUST-2", Level::kMust, "64 KiB of bytes of every value, in one write",
                [](CaseContext& ctx) { return verify_replies(ctx, Exchange::whole(noise(65536, 2463534242u))); }});

  registry.add({"robustness/4", "ROBUST-2", Level::kMust, "16 KiB of bytes of every value, in ragged chunks",
                [](CaseContext& ctx) {
                  std::string bytes = noise(16384, 88172645u);
                  return verify_replies(ctx, Exchange::split(bytes, ragged_sizes(bytes.size(), 7)));
                }});

  registry.add({"robustness/5", "ROBUST-3", Level::kMust, "a client that never reads does not stop others",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  auto hog = ctx.open_session();
                  if (!hog) return connect_failure(hog.error());
                  std::size_t written = write_until_blocked(*hog, 64u << 20, std::chrono::milliseconds(50));
                  Outcome other = verify_still_serving(ctx, "a client wrote " + mebibytes(written) +
                                                                " without reading its replies");
                  hog->close(CloseMode::kReset);
                  return other;
                }});

  registry.add({"robustness/6", "ROBUST-4", Level::kShould, "a client that never reads is throttled",
                [](CaseContext& ctx) {
                  constexpr std::size_t kLimit = 64u << 20;
                  auto hog = ctx.open_session();
                  if (!hog) return connect_failure(hog.error());
                  std::size_t written = write_until_blocked(*hog, kLimit, std::chrono::milliseconds(200));
                  hog->close(CloseMode::kReset);
                  if (written >= kLimit) {
                    return failure_with("the server took " + mebibytes(written) +
                                            " while none of its replies were read: no back-pressure",
                                        mebibytes(written) + " without a terminator, replies never read",
                                        "the server stops reading once its replies pile up",
                                        "every write went through");
                  }
                  return Outcome::pass("writes blocked after " + mebibytes(written));
                }});

  registry.add({"robustness/7", "ROBUST-5", Level::kMust, "1 MiB of records in one burst, answered in order",
                [](CaseContext& ctx) {
                  std::string bytes;
                  for (int i = 0; bytes.size() < (1u << 20); ++i) {
                    bytes += "burst record " + std::to_string(i) + std::string(40, '.') + "\n";
                  }
                  Exchange exchange = Exchange::whole(bytes);
                  exchange.wait_consumed = false;
                  return verify_replies(ctx, exchange);
                }});

  registry.add({"robustness/8", "ROBUST-6", Level::kShould, "an idle client does not stop others",
                [](CaseContext& ctx) {
                  if (auto none = unless_concurrent(ctx)) return *none;
                  auto idle = CheckedClient::connect(ctx);
                  if (!idle) return connect_failure(idle.error());
                  if (!idle->await_service()) return prefixed(idle->finish(), "the idle client");
                  Outcome other = verify_still_serving(ctx, "a client connected and went idle");
                  if (other.verdict != Verdict::kPass) return other;
                  idle->send("awake\n");
                  return prefixed(idle->finish(), "the idle client");
                }});

  registry.add({"robustness/9", "ROBUST-7", Level::kMust, "after a series of hostile clients, one is served",
                [](CaseContext& ctx) {
                  std::string garbage = noise(4096, 1234567u);
                  std::vector<harness::Plan> hostile = {
                      {Step::send(garbage, false), Step::close(CloseMode::kReset)},
                      {Step::send("half", false), Step::close(CloseMode::kFull)},
                      {Step::send(std::string(3000, '\r'), false), Step::close(CloseMode::kReset)},
                      {Step::send(std::string(5000, '\0'), false), Step::close(CloseMode::kFull)},
                      {Step::close(CloseMode::kReset)},
                  };
                  for (std::size_t i = 0; i < hostile.size(); ++i) {
                    std::string what = "hostile client " + std::to_string(i + 1) + " of " +
                                       std::to_string(hostile.size());
                    if (auto stalled = misbehaving_client_stalled(ctx.run_session(hostile[i]), what)) return *stalled;
                  }
                  return verify_still_serving(ctx, "five hostile clients (garbage, resets, NULs, lone CRs)");
                }});

  registry.add({"robustness/10", "ROBUST-8", Level::kMust, "2000 clients one after another are each served",
                [](CaseContext& ctx) {
                  if (ctx.target().kind == harness::Target::Kind::kExec) {
                    return Outcome::not_applicable("an exec: target runs a new process per connection");
                  }
                  for (int i = 0; i < 2000; ++i) {
                    Outcome outcome = verify_replies(ctx, Exchange::whole("client " + std::to_string(i) + "\n"));
                    if (outcome.verdict != Verdict::kPass) {
                      return prefixed(outcome, "client " + std::to_string(i + 1) + " of 2000");
                    }
                  }
                  return Outcome::pass();
                }});
}

}  // namespace linespec::conformance
