// linespec-server run out of descriptors (RLIMIT_NOFILE of 32 through the shell's
// ulimit): accepting pauses instead of spinning, existing clients are still served,
// and the clients waiting in the backlog are served once descriptors are free again.
#include <gtest/gtest.h>

#include "server_process.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

constexpr std::size_t kDescriptorLimit = 32;
constexpr std::size_t kWaiting = 3;  // clients that find no descriptor left
const std::string kLowLimit = "ulimit -n " + std::to_string(kDescriptorLimit) + "; ";

TEST(ReliabilityDescriptors, ExhaustionPausesAcceptingWithoutSpinningAndServiceResumes) {
  ServerProcess server({"--listen", "tcp:127.0.0.1:0"}, kLowLimit);
  ASSERT_TRUE(server.started()) << server.error();
  const std::size_t baseline = server.idle_fds();
  const std::size_t in_use = open_fds(server.pid(), kDescriptorLimit).value_or(kDescriptorLimit);
  ASSERT_LT(in_use + kWaiting, kDescriptorLimit);

  // Every free descriptor goes to a greeted client.
  std::vector<Fd> held;
  while (held.size() < kDescriptorLimit - in_use) {
    held.push_back(greeted_client(server.address()));
    ASSERT_TRUE(held.back().valid()) << "client " << held.size();
  }
  ASSERT_EQ(open_fds(server.pid(), kDescriptorLimit), kDescriptorLimit);

  // The kernel completes these handshakes, but the server cannot accept them.
  std::vector<Fd> waiting;
  for (std::size_t i = 0; i < kWaiting; ++i) {
    waiting.push_back(connect_to(server.address()));
    ASSERT_TRUE(waiting.back().valid());
  }
  const auto cpu_before = cpu_time(server.pid());
  const auto begin = std::chrono::steady_clock::now();
  // Existing clients are served while the server has no descriptor to spare.
  for (Fd& client : held) {
    ASSERT_TRUE(send_all(client.get(), "a\nb\n"));
    EXPECT_EQ(read_exactly(client.get(), 2 * kAck.size()), acks(2));
  }
  // One second of exhaustion: no greeting for a client in the backlog.
  EXPECT_TRUE(read_from(waiting.front().get(), 1, 1000ms).timed_out);
  const auto cpu_after = cpu_time(server.pid());
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  ASSERT_TRUE(cpu_before && cpu_after);
  const auto used = *cpu_after - *cpu_before;
  RecordProperty("cpu_ms_during_exhaustion", static_cast<int>(used.count()));
  if (!kSanitized) {
    // A server retrying accept in a loop burns the whole second; a paused one almost
    // nothing (a few accept calls per second and the replies above).
    EXPECT_LT(used, std::chrono::duration_cast<milliseconds>(elapsed) / 10)
        << "CPU used while out of descriptors: " << used.count() << " ms in "
        << std::chrono::duration_cast<milliseconds>(elapsed).count() << " ms";
  }

  // Three clients leave: the three in the backlog are greeted and served.
  for (std::size_t i = 0; i < kWaiting; ++i) {
    half_close(held.back().get());
    EXPECT_TRUE(read_to_eof(held.back().get()).eof);
    held.pop_back();
  }
  for (Fd& client : waiting) {
    EXPECT_EQ(read_exactly(client.get(), kGreeting.size()), kGreeting);
    ASSERT_TRUE(send_all(client.get(), "x\r\n"));
    half_close(client.get());
    EXPECT_EQ(read_to_eof(client.get()).bytes, acks(2));
  }
  waiting.clear();
  held.clear();
  EXPECT_EQ(wait_for_fds(server.pid(), baseline), baseline);
  EXPECT_EQ(converse(server.address(), "SOME DATA\n").bytes, kGreeting + kAck);
  server.stop_cleanly();
}

TEST(ReliabilityDescriptors, ABacklogTwiceTheDescriptorLimitIsServedInTheEnd) {
  ServerProcess server({"--listen", "tcp:127.0.0.1:0"}, kLowLimit);
  ASSERT_TRUE(server.started()) << server.error();
  const std::size_t baseline = server.idle_fds();
  const std::size_t free =
      kDescriptorLimit - open_fds(server.pid(), kDescriptorLimit).value_or(kDescriptorLimit);
  // Twice as many clients as descriptors connect; the first ones take every free
  // descriptor (the backlog is first in, first out), the rest wait in the backlog.
  const std::size_t clients = 2 * kDescriptorLimit;
  std::vector<Fd> fds;
  for (std::size_t i = 0; i < clients; ++i) {
    fds.push_back(connect_to(server.address()));
    ASSERT_TRUE(fds.back().valid()) << i;
  }
  for (std::size_t i = 0; i < free; ++i) {
    ASSERT_EQ(read_exactly(fds[i].get(), kGreeting.size()), kGreeting) << "client " << i;
  }
  ASSERT_EQ(open_fds(server.pid(), kDescriptorLimit), kDescriptorLimit);
  for (Fd& fd : fds) {
    ASSERT_TRUE(send_all(fd.get(), "SOME DATA\n"));
    half_close(fd.get());
  }
  for (std::size_t i = 0; i < clients; ++i) {
    Received r = read_to_eof(fds[i].get());
    EXPECT_EQ(r.bytes, i < free ? kAck : kGreeting + kAck) << "client " << i;
    EXPECT_TRUE(r.eof) << "client " << i;
    fds[i].reset();
  }
  EXPECT_EQ(wait_for_fds(server.pid(), baseline), baseline);
  server.stop_cleanly();
}

}  // namespace
}  // namespace linespec::reference
