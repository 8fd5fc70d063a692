// SIGTERM and SIGINT to linespec-server with clients in every state: it stops
// accepting, sends the replies already owed, closes, and exits 0 within a bound;
// a client that never reads cannot hold the exit past --drain-timeout; a second
// signal exits at once.
#include <gtest/gtest.h>

#include <csignal>

#include "server_process.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

const harness::ExitStatus kExit0{harness::ExitStatus::Kind::kExited, 0};
const harness::ExitStatus kExit1{harness::ExitStatus::Kind::kExited, 1};

// A client with `owed` replies the server has framed but the client not read: it
// sends owed + 1 records in one segment and reads the first reply, so the server
// has read them all.
Fd client_owed(const Address& address, std::size_t owed) {
  Fd fd = greeted_client(address);
  if (!fd.valid() || !send_all(fd.get(), repeat("r\n", owed + 1))) return Fd();
  if (read_exactly(fd.get(), kAck.size()) != kAck) return Fd();
  return fd;
}

// A client that sent records worth megabytes of replies and reads none of them;
// returns once the server has read what fits in the socket buffers.
Fd client_never_reading(const Address& address) {
  Fd fd = greeted_client(address);
  if (!fd.valid()) return fd;
  ::fcntl(fd.get(), F_SETFL, O_NONBLOCK);
  const std::string block(64 * 1024, '\n');
  for (int i = 0; i < 64; ++i) {
    if (::send(fd.get(), block.data(), block.size(), MSG_NOSIGNAL) <= 0) break;
  }
  // A conversation on another connection shows the event loop went past it.
  if (converse(address, "a\n").bytes != kGreeting + kAck) return Fd();
  return fd;
}

class ReliabilitySignals : public ::testing::TestWithParam<int> {};

TEST_P(ReliabilitySignals, DrainSendsTheRepliesOwedStopsAcceptingAndExits0) {
  const int signo = GetParam();
  ServerProcess server({"--listen", "tcp:127.0.0.1:0"});
  ASSERT_TRUE(server.started()) << server.error();
  const std::size_t owed = 900;
  std::vector<Fd> owing;
  for (int i = 0; i < 8; ++i) {
    owing.push_back(client_owed(server.address(), owed));
    ASSERT_TRUE(owing.back().valid());
  }
  Fd idle = greeted_client(server.address());
  Fd fragment = greeted_client(server.address());  // an unterminated record in flight
  ASSERT_TRUE(send_all(fragment.get(), "half a rec"));
  // Replies the server holds itself (a backlog past the socket buffers), to a client
  // that reads only once the signal came; its unread input must not turn the close
  // into a reset either.
  Fd behind = client_never_reading(server.address());
  ASSERT_TRUE(behind.valid());
  ::fcntl(behind.get(), F_SETFL, 0);

  const auto signalled = std::chrono::steady_clock::now();
  server.process().signal(signo);
  // The idle client sees the write side shut: the drain has begun, and the
  // listener is closed, so new clients are refused by the kernel.
  Received idle_end = read_to_eof(idle.get());
  EXPECT_TRUE(idle_end.eof);
  EXPECT_EQ(idle_end.bytes, "");
  EXPECT_FALSE(connect_to(server.address()).valid());
  Received backlog = read_to_eof(behind.get());
  EXPECT_TRUE(backlog.eof) << (backlog.reset ? "reset" : "no close") << " after " << backlog.bytes.size()
                           << " reply bytes: replies held by the server were lost";
  EXPECT_GT(backlog.bytes.size(), 256u * 1024);  // more than the server's own backlog
  EXPECT_EQ(backlog.bytes, acks(backlog.bytes.size() / kAck.size()));
  for (std::size_t i = 0; i < owing.size(); ++i) {
    Received r = read_to_eof(owing[i].get());
    EXPECT_TRUE(r.eof) << "client " << i;
    EXPECT_EQ(r.bytes, acks(owed)) << "client " << i;
  }
  // A fragment is not a record until its end or EOF: nothing is owed for it.
  Received partial = read_to_eof(fragment.get());
  EXPECT_TRUE(partial.eof);
  EXPECT_EQ(partial.bytes, "");
  // Clients that read everything close; the server exits without waiting longer.
  owing.clear();
  idle.reset();
  fragment.reset();
  behind.reset();
  auto status = server.process().wait(kPatience);
  ASSERT_TRUE(status) << "still running " << kPatience.count() << " ms after the signal";
  EXPECT_EQ(*status, kExit0);
  if (!kSanitized) {
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, 1000ms);
  }
  EXPECT_EQ(server.process().captured_stderr(), "");
}

TEST_P(ReliabilitySignals, AClientThatNeverReadsCannotHoldTheExitPastTheDrainTimeout) {
  const int signo = GetParam();
  ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--drain-timeout", "300"});
  ASSERT_TRUE(server.started()) << server.error();
  Fd stuck = client_never_reading(server.address());
  ASSERT_TRUE(stuck.valid());
  const auto signalled = std::chrono::steady_clock::now();
  server.process().signal(signo);
  auto status = server.process().wait(kPatience);
  ASSERT_TRUE(status) << "a client that never reads kept the server from exiting";
  EXPECT_EQ(*status, kExit0);
  const auto took = std::chrono::steady_clock::now() - signalled;
  EXPECT_GE(took, 290ms);
  if (!kSanitized) {
    EXPECT_LT(took, 1500ms);
  }
  EXPECT_EQ(server.process().captured_stderr(), "");
}

TEST_P(ReliabilitySignals, ASecondSignalExitsAtOnceWith1) {
  const int first = GetParam();
  for (int second : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(second == SIGTERM ? "then SIGTERM" : "then SIGINT");
    ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--drain-timeout", "60000"});
    ASSERT_TRUE(server.started()) << server.error();
    // Replies owed to a client that never reads keep the drain going for a minute.
    Fd stuck = client_never_reading(server.address());
    ASSERT_TRUE(stuck.valid());
    Fd idle = greeted_client(server.address());
    server.process().signal(first);
    EXPECT_TRUE(read_to_eof(idle.get()).eof);  // the drain has begun
    const auto signalled = std::chrono::steady_clock::now();
    server.process().signal(second);
    auto status = server.process().wait(kPatience);
    ASSERT_TRUE(status) << "the second signal did not end the server";
    EXPECT_EQ(*status, kExit1);
    if (!kSanitized) {
      EXPECT_LT(std::chrono::steady_clock::now() - signalled, 500ms);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Signals, ReliabilitySignals, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == SIGTERM ? "SIGTERM" : "SIGINT");
                         });

}  // namespace
}  // namespace linespec::reference
