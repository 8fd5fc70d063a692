// Connection storms against linespec-server: thousands of clients that reset at
// once, close before the greeting, half-close at once, or leave with replies
// unread. The server stays up, answers correctly afterwards, and holds no more
// descriptors than before the storm.
#include <gtest/gtest.h>

#include <atomic>

#include "server_process.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

constexpr int kStormThreads = 4;

enum class Visit { kReset, kCloseBeforeGreeting, kHalfCloseAtOnce, kLeaveRepliesUnread };

// One storm client; false when what it saw was wrong (a half-closing client must
// get the greeting and the close).
bool visit(const Address& address, Visit kind) {
  Fd fd = connect_to(address);
  if (!fd.valid()) return false;
  switch (kind) {
    case Visit::kReset:
      reset_connection(fd);
      return true;
    case Visit::kCloseBeforeGreeting:
      fd.reset();
      return true;
    case Visit::kHalfCloseAtOnce: {
      half_close(fd.get());
      Received r = read_to_eof(fd.get());
      return r.eof && r.bytes == kGreeting;
    }
    case Visit::kLeaveRepliesUnread:
      send_all(fd.get(), "a\nb\nc\n");
      fd.reset();
      return true;
  }
  return false;
}

// `count` visits of `kind`, spread over kStormThreads threads; how many went wrong.
// The storm stops at the first wrong visit: a wrong one may have waited out the
// patience bound, and thousands more would only fail the same way, slowly.
int storm(const Address& address, Visit kind, int count) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kStormThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < count && wrong.load() == 0; i += kStormThreads) {
        if (!visit(address, kind)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return wrong.load();
}

class ReliabilityStorm : public ::testing::TestWithParam<const char*> {};

TEST_P(ReliabilityStorm, ServerSurvivesStormsAndReturnsToItsBaseline) {
  ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--threads", GetParam()});
  ASSERT_TRUE(server.started()) << server.error();
  ASSERT_EQ(converse(server.address(), "warm\n").bytes, kGreeting + kAck);
  const std::size_t baseline = server.idle_fds();

  const struct {
    Visit kind;
    const char* name;
    int count;
  } storms[] = {
      {Visit::kReset, "connect and reset", 2000},
      {Visit::kCloseBeforeGreeting, "connect and close before the greeting", 2000},
      {Visit::kHalfCloseAtOnce, "half-close at once", 2000},
      {Visit::kLeaveRepliesUnread, "send and close with replies unread", 1000},
  };
  for (const auto& s : storms) {
    EXPECT_EQ(storm(server.address(), s.kind, s.count), 0) << s.name;
    ASSERT_TRUE(server.running()) << "the server died during: " << s.name;
    // Correct right after each storm.
    EXPECT_EQ(converse(server.address(), "SOME DATA\nx\r\nabc").bytes, kGreeting + acks(4)) << s.name;
  }
  EXPECT_EQ(wait_for_fds(server.pid(), baseline), baseline);
  server.stop_cleanly();
}

INSTANTIATE_TEST_SUITE_P(Threads, ReliabilityStorm, ::testing::Values("1", "2"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string("threads") + info.param;
                         });

}  // namespace
}  // namespace linespec::reference
