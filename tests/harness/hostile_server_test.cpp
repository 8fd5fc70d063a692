// The harness survives hostile servers: against each fixture of tests/fixtures that
// floods, stalls, never reads, closes or resets at once, exits or never exits, a
// session ends within its inactivity timeout (or its caps) with the Ending that
// names what happened, and never keeps more than its receive cap. A replayed script
// against them ends with a failing verdict, not a hang.
#include <gtest/gtest.h>

#include <signal.h>

#include <cerrno>
#include <fstream>
#include <limits>
#include <optional>

#include "linespec/harness/replay.hpp"
#include "linespec_test/sanitized.hpp"
#include "live_servers.hpp"

namespace linespec::harness::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kInactivity = 300ms;
constexpr std::size_t kCap = 1u << 20;
constexpr std::size_t kEverything = std::numeric_limits<std::size_t>::max();

SessionOptions hostile_options() {
  SessionOptions options;
  options.inactivity_timeout = kInactivity;
  options.hard_cap = 10s;
  options.max_received = kCap;
  return options;
}

struct HostileCase {
  std::string fixture;
  Transport transport;
  Plan plan;
  Ending ending;
  std::string received;  // what arrives before the end; "*" for "the cap's worth"
};

std::string describe(const HostileCase& c) { return "fixture-" + c.fixture + " over " + to_string(c.transport); }

void expect_survives(ServerPool& pool, const HostileCase& c) {
  SCOPED_TRACE(describe(c));
  auto started = Clock::now();
  auto result = run_session(pool.fixture(c.fixture, c.transport), c.plan, hostile_options());
  auto took = Clock::now() - started;
  EXPECT_EQ(result.ending, c.ending) << to_string(result.ending) << "\n" << result.transcript.to_string();
  EXPECT_LE(result.received.size(), kCap);
  if (c.received == "*") {
    EXPECT_EQ(result.received.size(), kCap);
  } else {
    EXPECT_EQ(result.received, c.received);
  }
  // The transcript keeps at most its byte budget, however much arrived.
  EXPECT_LE(result.transcript.received().size(), 4u << 20);
  // Ends within the inactivity timeout of the last thing that moved, plus slack for
  // process start-up on a busy machine; never near the hard cap.
  EXPECT_LT(took, kInactivity + 3s);
}

TEST(HostileServer, FloodAndEndlessLineAreCutOffAtTheReceiveCap) {
  ServerPool pool;
  for (Transport t : kAllTransports) {
    expect_survives(pool, {"flood", t, {Step::expect(kEverything)}, Ending::kFlooded, "*"});
    expect_survives(pool, {"flood", t, {Step::close(CloseMode::kHalfClose)}, Ending::kFlooded, "*"});
    expect_survives(pool, {"endless-line", t, {Step::expect(kEverything)}, Ending::kFlooded, "*"});
  }
}

TEST(HostileServer, SilentServersEndInTheInactivityTimeout) {
  ServerPool pool;
  for (Transport t : kAllTransports) {
    expect_survives(pool, {"silent", t, {Step::expect(8)}, Ending::kInactivity, ""});
    // It reads and discards, and closes after EOF.
    expect_survives(pool, {"silent", t, {Step::send("x\n"), Step::close(CloseMode::kHalfClose)}, Ending::kPeerClosed, ""});
    expect_survives(pool, {"greet-then-silent", t, {Step::send("x\n"), Step::expect(8 + 21)}, Ending::kInactivity,
                           "connect\n"});
    expect_survives(pool, {"greet-then-silent", t, {Step::send("x\n"), Step::close(CloseMode::kHalfClose)},
                           Ending::kPeerClosed, "connect\n"});
  }
}

TEST(HostileServer, CloseAndResetAtOnceAreReportedAsSuch) {
  ServerPool pool;
  for (Transport t : kAllTransports) {
    expect_survives(pool, {"close-at-once", t, {Step::expect(8)}, Ending::kPeerClosed, ""});
  }
  expect_survives(pool, {"reset-at-once", Transport::kTcp, {Step::expect(8)}, Ending::kPeerReset, ""});
  // Unix stream sockets have no RST: an abortive close with nothing unread is an EOF.
  expect_survives(pool, {"reset-at-once", Transport::kUnix, {Step::expect(8)}, Ending::kPeerClosed, ""});
}

TEST(HostileServer, AServerThatNeverReadsDoesNotBlockTheHarness) {
  ServerPool pool;
  for (Transport t : kAllTransports) {
    HostileCase c{"never-reads", t, {Step::send(std::string(32u << 20, 'a'))}, Ending::kInactivity, "connect\n"};
    expect_survives(pool, c);
    auto result = run_session(pool.fixture(c.fixture, t), c.plan, hostile_options());
    EXPECT_LT(result.sent_bytes, 32u << 20) << describe(c);
  }
}

using linespec::testing::kSanitized;

// A field of /proc/self/status in KiB (VmRSS, VmHWM); nullopt if absent.
std::optional<std::size_t> own_status_kib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stoul(line.substr(field.size() + 1));
  }
  return std::nullopt;
}

TEST(HostileServer, AFloodKeepsTheHarnessMemoryWithinItsReceiveCap) {
  ServerPool pool;
  // The default cap (16 MiB) this time: the flood fills it whole.
  SessionOptions options = hostile_options();
  options.max_received = SessionOptions{}.max_received;
  for (Transport t : kAllTransports) {
    SCOPED_TRACE(to_string(t));
    Target flood = pool.fixture("flood", t);
    // The peak is reset (Linux: clear_refs 5), so VmHWM is this session's peak.
    std::ofstream("/proc/self/clear_refs") << "5";
    const std::size_t before = own_status_kib("VmRSS").value_or(0);
    auto started = Clock::now();
    auto result = run_session(flood, {Step::expect(kEverything)}, options);
    EXPECT_LT(Clock::now() - started, 10s);
    const std::size_t peak = own_status_kib("VmHWM").value_or(0);
    EXPECT_EQ(result.ending, Ending::kFlooded) << to_string(result.ending);
    EXPECT_EQ(result.received.size(), options.max_received);
    RecordProperty("harness_peak_growth_kib_" + to_string(t), std::to_string(peak > before ? peak - before : 0));
    if (!kSanitized) {
      // What is kept (16 MiB received, the transcript's 4 MiB budget) plus string
      // growth slack; a harness without the cap takes gigabytes in the same time.
      EXPECT_LT(peak, before + 64 * 1024) << "VmRSS " << before << " KiB, peak " << peak << " KiB";
    }
  }
}

// The pid of an exec: session's child, from its transcript ("exec:... (pid 123)").
pid_t exec_pid(const SessionResult& result) {
  const std::string& note = result.transcript.events().front().note;
  auto at = note.rfind("(pid ");
  return at == std::string::npos ? -1 : static_cast<pid_t>(std::stol(note.substr(at + 5)));
}

TEST(HostileServer, AnExecChildThatExitsAtOnceIsAnEndNotAHang) {
  ServerPool pool;
  HostileCase c{"exits-at-once", Transport::kPipes, {Step::expect(8)}, Ending::kPeerClosed, ""};
  expect_survives(pool, c);
  auto result = run_session(pool.fixture(c.fixture, c.transport), c.plan, hostile_options());
  EXPECT_NE(result.diagnostics.find("exit 0"), std::string::npos) << result.diagnostics;
}

TEST(HostileServer, AnExecChildThatNeverExitsIsKilled) {
  ServerPool pool;
  HostileCase c{"never-exits", Transport::kPipes, {Step::send("x\n"), Step::close(CloseMode::kHalfClose)},
                Ending::kInactivity, ""};
  expect_survives(pool, c);
  auto result = run_session(pool.fixture(c.fixture, c.transport), c.plan, hostile_options());
  pid_t pid = exec_pid(result);
  ASSERT_GT(pid, 0) << result.transcript.to_string();
  // Reaped: nothing of it is left.
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(HostileServer, ReplayingAScriptAgainstEachEndsWithAFailingVerdict) {
  ServerPool pool;
  auto script = parse_script("conn a\na send \"SOME DATA\\n\"\na half-close\nconn b\nb send \"x\"\nb reset\n");
  ASSERT_TRUE(script);
  struct Where {
    std::string fixture;
    Transport transport;
  };
  for (const auto& [fixture, transport] :
       std::vector<Where>{{"flood", Transport::kTcp},           {"endless-line", Transport::kUnix},
                            {"silent", Transport::kPipes},        {"greet-then-silent", Transport::kTcp},
                            {"close-at-once", Transport::kUnix},  {"reset-at-once", Transport::kTcp},
                            {"never-reads", Transport::kPipes},   {"exits-at-once", Transport::kPipes},
                            {"never-exits", Transport::kPipes}}) {
    auto started = Clock::now();
    auto result = run_script(*script, pool.fixture(fixture, transport), hostile_options());
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->passed()) << fixture;
    for (const auto& c : result->connections) EXPECT_LE(c.session.received.size(), kCap) << fixture;
    EXPECT_LT(Clock::now() - started, 2 * kInactivity + 4s) << fixture;
  }
}

}  // namespace
}  // namespace linespec::harness::testing
