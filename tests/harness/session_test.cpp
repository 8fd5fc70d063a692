#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "linespec/harness/model.hpp"
#include "linespec/harness/session.hpp"
#include "loopback_server.hpp"

namespace linespec::harness {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackServer;
using Family = LoopbackServer::Family;

// Echoes every byte until the client ends, then closes.
void echo_handler(int fd, int) {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0 || !testing::write_all(fd, std::string_view(buffer, static_cast<std::size_t>(n)))) return;
  }
}

SessionOptions quick(std::chrono::milliseconds inactivity = 300ms) {
  SessionOptions o;
  o.inactivity_timeout = inactivity;
  o.hard_cap = 20s;
  return o;
}

TEST(Session, HalfCloseReadsUntilThePeerCloses) {
  LoopbackServer server(Family::kV4, echo_handler);
  Plan plan;
  append_chunks(plan, "SOME DATA\nabc", {4, 6});
  plan.push_back(Step::close(CloseMode::kHalfClose));
  auto result = run_session(server.target(), plan, quick());
  EXPECT_EQ(result.ending, Ending::kPeerClosed) << result.transcript.to_string();
  EXPECT_EQ(result.received, "SOME DATA\nabc");
  EXPECT_EQ(result.sent_bytes, 13u);
  EXPECT_EQ(result.transcript.sent(), "SOME DATA\nabc");
  EXPECT_FALSE(result.delivery.empty());
  // The model agrees: a stream profile echoes everything before the close.
  Model model(*builtin_profile("stream"));
  model.feed("SOME DATA\nabc");
  EXPECT_TRUE(model.expectation(ClientEnd::kHalfClose).matches(result.received));
}

TEST(Session, BytesThatArrivedWhileAnotherSessionRanAreNotSilence) {
  LoopbackServer server(Family::kV4, echo_handler);
  auto a = Session::open(server.target(), quick(100ms));
  auto b = Session::open(server.target(), quick(100ms));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->send("ab", /*wait_consumed=*/false));
  // `a` is not pumped for longer than its inactivity timeout while its echo waits.
  ASSERT_TRUE(b->pause(250ms));
  EXPECT_TRUE(a->expect(2)) << a->transcript().to_string();
  EXPECT_EQ(a->received(), "ab");
}

TEST(Session, TranscriptShowsEveryStepInOrder) {
  LoopbackServer server(Family::kUnix, echo_handler);
  Plan plan = {Step::send("ab"), Step::expect(2), Step::pause(1ms), Step::close(CloseMode::kHalfClose)};
  auto result = run_session(server.target(), plan, quick());
  ASSERT_EQ(result.ending, Ending::kPeerClosed);
  std::vector<TranscriptEvent::Kind> kinds;
  for (const auto& e : result.transcript.events()) {
    if (e.kind != TranscriptEvent::Kind::kReceive && e.kind != TranscriptEvent::Kind::kDelivered) kinds.push_back(e.kind);
  }
  using K = TranscriptEvent::Kind;
  EXPECT_EQ(kinds, (std::vector<K>{K::kConnect, K::kSend, K::kPause, K::kShutdownWrite, K::kPeerEof}))
      << result.transcript.to_string();
  EXPECT_EQ(result.transcript.received(), "ab");
}

TEST(Session, ExecTargetRunsOverPipes) {
  Plan plan = {Step::send("one\n"), Step::send("two\n"), Step::close(CloseMode::kHalfClose)};
  auto result = run_session(Target::exec("cat"), plan, quick());
  EXPECT_EQ(result.ending, Ending::kPeerClosed) << result.transcript.to_string();
  EXPECT_EQ(result.received, "one\ntwo\n");
  EXPECT_NE(result.diagnostics.find("exit 0"), std::string::npos) << result.diagnostics;
}

TEST(Session, ExecOfAMissingCommandEndsInAnUnreachableError) {
  Plan plan = {Step::send("x\n", false), Step::close(CloseMode::kHalfClose)};
  auto result = run_session(Target::exec("/nonexistent/linespec-no-such-server"), plan, quick());
  EXPECT_EQ(result.ending, Ending::kError) << result.transcript.to_string();
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->kind, ErrorKind::kUnreachable);
}

TEST(Session, ConnectFailureIsAnErrorEnding) {
  auto result = run_session(*parse_target("unix:/nonexistent-linespec-dir/s"), {Step::send("x")}, quick());
  EXPECT_EQ(result.ending, Ending::kError);
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->kind, ErrorKind::kUnreachable);
}

TEST(Session, PipeliningMegabytesAgainstBackPressureNeverDeadlocks) {
  // The echo writes back while we still write: without reading while sending both
  // sides would block on full buffers.
  std::string big(4 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 1000) big[i] = '\n';
  Plan plan = {Step::send(big), Step::close(CloseMode::kHalfClose)};
  for (const Target& target : {Target::exec("cat")}) {
    auto result = run_session(target, plan, quick(2000ms));
    EXPECT_EQ(result.ending, Ending::kPeerClosed) << target.to_string();
    EXPECT_EQ(result.received.size(), big.size()) << target.to_string();
    EXPECT_TRUE(result.received == big) << target.to_string();
  }
  LoopbackServer server(Family::kV4, echo_handler);
  auto result = run_session(server.target(), plan, quick(2000ms));
  EXPECT_EQ(result.ending, Ending::kPeerClosed);
  EXPECT_TRUE(result.received == big);
}

TEST(Session, SilentServerEndsInInactivityTimeout) {
  LoopbackServer server(Family::kV4, [](int, int stop_fd) { testing::wait_for_stop(stop_fd); });
  auto start = Clock::now();
  auto result = run_session(server.target(), {Step::send("hello\n"), Step::expect(8)}, quick(200ms));
  auto took = Clock::now() - start;
  EXPECT_EQ(result.ending, Ending::kInactivity) << result.transcript.to_string();
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 5s);
}

TEST(Session, HalfCloseAgainstAServerThatNeverClosesEndsInInactivity) {
  LoopbackServer server(Family::kUnix, [](int, int stop_fd) { testing::wait_for_stop(stop_fd); });
  auto result = run_session(server.target(), {Step::close(CloseMode::kHalfClose)}, quick(200ms));
  EXPECT_EQ(result.ending, Ending::kInactivity);
}

TEST(Session, ServerThatNeverReadsDoesNotHangTheHarness) {
  LoopbackServer server(Family::kV4, [](int, int stop_fd) { testing::wait_for_stop(stop_fd); });
  auto start = Clock::now();
  // Far more than the socket buffers hold: the writes stall for good.
  auto result = run_session(server.target(), {Step::send(std::string(32 << 20, 'a'))}, quick(300ms));
  EXPECT_EQ(result.ending, Ending::kInactivity);
  EXPECT_LT(result.sent_bytes, 32u << 20);
  EXPECT_LT(Clock::now() - start, 10s);
}

TEST(Session, TricklingServerHitsTheHardCap) {
  LoopbackServer server(Family::kV4, [](int fd, int stop_fd) {
    pollfd p{stop_fd, POLLIN, 0};
    while (::poll(&p, 1, 20) == 0) {
      if (!testing::write_all(fd, ".")) return;
    }
  });
  SessionOptions options = quick(1000ms);
  options.hard_cap = 300ms;
  auto start = Clock::now();
  auto result = run_session(server.target(), {Step::expect(1 << 20)}, options);
  EXPECT_EQ(result.ending, Ending::kHardCap) << result.transcript.to_string();
  EXPECT_FALSE(result.received.empty());
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(Session, FloodingServerIsCutOffAtTheCap) {
  LoopbackServer server(Family::kV4, [](int fd, int) {
    std::string block(65536, 'F');
    while (testing::write_all(fd, block)) {
    }
  });
  SessionOptions options = quick();
  options.max_received = 1 << 20;
  auto result = run_session(server.target(), {Step::close(CloseMode::kHalfClose)}, options);
  EXPECT_EQ(result.ending, Ending::kFlooded);
  EXPECT_EQ(result.received.size(), 1u << 20);
}

TEST(Session, PeerResetIsReported) {
  LoopbackServer server(Family::kV4, [](int fd, int) {
    char byte;
    (void)::read(fd, &byte, 1);
    linger off{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof off);
  });
  auto result = run_session(server.target(), {Step::send("x"), Step::expect(1)}, quick(2000ms));
  EXPECT_EQ(result.ending, Ending::kPeerReset) << result.transcript.to_string();
}

TEST(Session, PlanCloseModesEndTheSession) {
  for (CloseMode mode : {CloseMode::kFull, CloseMode::kReset}) {
    LoopbackServer server(Family::kV4, echo_handler);
    auto result = run_session(server.target(), {Step::send("x"), Step::close(mode)}, quick());
    EXPECT_EQ(result.ending, Ending::kClosedByHarness);
    auto kind = result.transcript.events().back().kind;
    EXPECT_EQ(kind, mode == CloseMode::kFull ? TranscriptEvent::Kind::kClose : TranscriptEvent::Kind::kReset);
  }
}

TEST(Session, APlanWithoutCloseEndsOpen) {
  LoopbackServer server(Family::kV4, echo_handler);
  auto result = run_session(server.target(), {Step::send("x"), Step::expect(1)}, quick());
  EXPECT_EQ(result.ending, Ending::kOpen);
  EXPECT_EQ(result.received, "x");
}

TEST(Session, DrainWaitsForQuietWithoutEndingTheSession) {
  LoopbackServer server(Family::kV4, echo_handler);
  auto session = Session::open(server.target(), quick());
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_TRUE(session->send("ab"));
  EXPECT_TRUE(session->drain(50ms));
  EXPECT_EQ(session->received(), "ab");
  EXPECT_FALSE(session->ended());
  EXPECT_FALSE(session->close(CloseMode::kHalfClose));
  EXPECT_EQ(session->ending(), Ending::kPeerClosed);
}

TEST(Session, InterleavedSessionsOnOneThread) {
  LoopbackServer first_server(Family::kV4, echo_handler);
  LoopbackServer second_server(Family::kUnix, echo_handler);
  auto a = Session::open(first_server.target(), quick());
  auto b = Session::open(second_server.target(), quick());
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(a->send("a1"));
  EXPECT_TRUE(b->send("b1"));
  EXPECT_TRUE(a->expect(2));
  EXPECT_TRUE(b->expect(2));
  a->close(CloseMode::kHalfClose);
  b->close(CloseMode::kHalfClose);
  EXPECT_EQ(a->finish().received, "a1");
  EXPECT_EQ(b->finish().received, "b1");
}

// A server that takes its time before each read and reports the size of each read.
class SlowReader {
 public:
  explicit SlowReader(Family family)
      : server_(family, [this](int fd, int) {
          std::vector<std::size_t> sizes;
          char buffer[65536];
          for (;;) {
            std::this_thread::sleep_for(30ms);
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0) break;
            sizes.push_back(static_cast<std::size_t>(n));
          }
          sizes_.set_value(sizes);
        }) {}
  const Target& target() const { return server_.target(); }
  std::vector<std::size_t> sizes() { return sizes_.get_future().get(); }

 private:
  std::promise<std::vector<std::size_t>> sizes_;
  LoopbackServer server_;
};

TEST(Delivery, ExactDeliveryMakesEveryChunkOneReadAtTheServer) {
  for (Family family : {Family::kV4, Family::kUnix}) {
    SlowReader server(family);
    SessionOptions options = quick(2000ms);
    options.delivery.kind = DeliveryKind::kExact;
    auto session = Session::open(server.target(), options);
    if (!session && session.error().message.find("sock_diag") != std::string::npos) {
      GTEST_SKIP() << "no sock_diag here: " << session.error().message;
    }
    ASSERT_TRUE(session) << session.error().message;
    Plan plan;
    append_chunks(plan, "abcdefghij", {1, 2, 3});
    plan.push_back(Step::close(CloseMode::kHalfClose));
    session->run(plan);
    auto result = session->finish();
    EXPECT_EQ(result.ending, Ending::kPeerClosed) << result.transcript.to_string();
    EXPECT_EQ(result.delivery, family == Family::kV4 ? "sock_diag tcp" : "sock_diag unix");
    EXPECT_EQ(server.sizes(), (std::vector<std::size_t>{1, 2, 3, 4})) << result.transcript.to_string();
  }
}

TEST(Delivery, ExactDeliveryOverPipesWaitsUntilTheChildReads) {
  SessionOptions options = quick(2000ms);
  options.delivery.kind = DeliveryKind::kExact;
  auto session = Session::open(Target::exec("sleep 0.2; cat"), options);
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_EQ(session->delivery_name(), "FIONREAD pipe");
  auto start = Clock::now();
  EXPECT_TRUE(session->send("ab"));
  EXPECT_GE(Clock::now() - start, 150ms) << "send returned before the child read the chunk";
  EXPECT_TRUE(session->send("cd"));
  session->close(CloseMode::kHalfClose);
  auto result = session->finish();
  EXPECT_EQ(result.ending, Ending::kPeerClosed) << result.transcript.to_string();
  EXPECT_EQ(result.received, "abcd");
}

TEST(Delivery, PauseIsTheFallbackAndIsNamed) {
  LoopbackServer server(Family::kV4, echo_handler);
  SessionOptions options = quick();
  options.delivery.kind = DeliveryKind::kPause;
  options.delivery.pause = 2ms;
  auto result = run_session(server.target(), {Step::send("x"), Step::close(CloseMode::kHalfClose)}, options);
  EXPECT_EQ(result.delivery, "pause 2ms");
  EXPECT_EQ(result.ending, Ending::kPeerClosed);
}

TEST(Delivery, AutoPicksExactWhereTheKernelCanTell) {
  LoopbackServer server(Family::kV4, echo_handler);
  auto result = run_session(server.target(), {Step::send("x"), Step::close(CloseMode::kHalfClose)}, quick());
  EXPECT_TRUE(result.delivery == "sock_diag tcp" || result.delivery == "pause 3ms") << result.delivery;
  auto pipes = run_session(Target::exec("cat"), {Step::send("x"), Step::close(CloseMode::kHalfClose)}, quick());
  EXPECT_EQ(pipes.delivery, "FIONREAD pipe");
}

}  // namespace
}  // namespace linespec::harness
