// Idle and slow clients against linespec-server --idle-timeout: silence longer than
// the timeout closes a connection, a slow but steady client is served, and other
// clients are unaffected. The sleeps here are the client behaviour under test.
#include <gtest/gtest.h>

#include "server_process.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

constexpr milliseconds kIdleTimeout = 300ms;
constexpr std::size_t kSilent = 20;
const std::vector<std::string> kIdleServer = {"--listen", "tcp:127.0.0.1:0", "--idle-timeout",
                                              std::to_string(kIdleTimeout.count())};

// How long after `since` the server closed `fd` (EOF or reset), or nullopt if it
// did not within the patience bound.
std::optional<milliseconds> closed_after(int fd, std::chrono::steady_clock::time_point since) {
  Received r = read_to_eof(fd);
  if (r.timed_out || !r.bytes.empty()) return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - since);
}

TEST(ReliabilityIdleClients, SilentAndStalledClientsAreClosedSteadyOnesServedOthersUnaffected) {
  ServerProcess server(kIdleServer);
  ASSERT_TRUE(server.started()) << server.error();
  const std::size_t baseline = server.idle_fds();

  // Clients that connect, read the greeting and say nothing more.
  std::vector<Fd> silent;
  const auto silent_since = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < kSilent; ++i) {
    silent.push_back(greeted_client(server.address()));
    ASSERT_TRUE(silent.back().valid());
  }

  // A slow client, one byte each 75 ms: never silent for the timeout, so it is
  // served although its record takes longer than the timeout to arrive.
  std::thread steady([&] {
    Fd fd = greeted_client(server.address());
    ASSERT_TRUE(fd.valid());
    for (char c : std::string("slow line\n")) {
      ASSERT_TRUE(send_all(fd.get(), std::string_view(&c, 1)));
      std::this_thread::sleep_for(kIdleTimeout / 4);
    }
    EXPECT_EQ(read_exactly(fd.get(), kAck.size()), kAck);
    half_close(fd.get());
    Received rest = read_to_eof(fd.get());
    EXPECT_TRUE(rest.eof);
    EXPECT_EQ(rest.bytes, "");
  });

  // A client that stalls mid-record for longer than the timeout: answered for the
  // record it completed, then closed during the stall.
  std::thread stalled([&] {
    Fd fd = greeted_client(server.address());
    ASSERT_TRUE(fd.valid());
    ASSERT_TRUE(send_all(fd.get(), "done\npart"));
    EXPECT_EQ(read_exactly(fd.get(), kAck.size()), kAck);
    const auto since = std::chrono::steady_clock::now();
    auto closed = closed_after(fd.get(), since);
    ASSERT_TRUE(closed) << "a stalled client was not closed";
    EXPECT_GE(*closed, kIdleTimeout - 20ms);
  });

  // Clients that behave are served while all of the above are open.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(converse(server.address(), "SOME DATA\n").bytes, kGreeting + kAck);
  }

  for (std::size_t i = 0; i < kSilent; ++i) {
    auto closed = closed_after(silent[i].get(), silent_since);
    EXPECT_TRUE(closed) << "silent client " << i << " was not closed";
    if (!closed) break;  // the others would only fail the same way, slowly
    EXPECT_GE(*closed, kIdleTimeout - 20ms) << "silent client " << i;
    if (!kSanitized) {
      EXPECT_LT(*closed, kIdleTimeout + 1000ms) << "silent client " << i;
    }
  }
  steady.join();
  stalled.join();
  silent.clear();
  EXPECT_EQ(wait_for_fds(server.pid(), baseline), baseline);
  server.stop_cleanly();
}

TEST(ReliabilityIdleClients, ClientThatConnectsAndNeverReadsTheGreetingIsClosed) {
  ServerProcess server(kIdleServer);
  ASSERT_TRUE(server.started()) << server.error();
  const std::size_t baseline = server.idle_fds();
  std::vector<Fd> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(connect_to(server.address()));
    ASSERT_TRUE(clients.back().valid());
  }
  // Nothing is read on the client side: the server's descriptors go anyway.
  ASSERT_EQ(wait_for_fds(server.pid(), baseline + clients.size(), 2000ms), baseline + clients.size());
  EXPECT_EQ(wait_for_fds(server.pid(), baseline, kIdleTimeout + 2000ms), baseline);
  for (Fd& fd : clients) {
    Received r = read_to_eof(fd.get());
    EXPECT_EQ(r.bytes, kGreeting);
    EXPECT_TRUE(r.eof || r.reset);
    if (r.timed_out) break;  // the others would only fail the same way, slowly
  }
  server.stop_cleanly();
}

}  // namespace
}  // namespace linespec::reference
