// linespec-server --max-connections under pressure: every client over the cap gets
// the refusal line and a close, never a hang, whatever it does itself; refused
// clients never take a slot, and slots come back when clients leave.
#include <gtest/gtest.h>

#include "server_process.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

constexpr std::size_t kCap = 3;
const std::string kRefusal = "not connect\n";

TEST(ReliabilityCapacity, EveryClientOverTheCapIsRefusedAndClosedWhateverItDoes) {
  ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--max-connections", std::to_string(kCap)});
  ASSERT_TRUE(server.started()) << server.error();
  const std::size_t baseline = server.idle_fds();
  std::vector<Fd> served;
  for (std::size_t i = 0; i < kCap; ++i) {
    served.push_back(greeted_client(server.address()));
    ASSERT_TRUE(served.back().valid());
  }

  // Over the cap, all connected before any reads: quiet ones, ones that send a
  // flood and never read, ones that half-close at once, ones that reset.
  const std::size_t over = 60;
  std::vector<Fd> refused;
  for (std::size_t i = 0; i < over; ++i) {
    refused.push_back(connect_to(server.address()));
    ASSERT_TRUE(refused.back().valid()) << i;
    switch (i % 4) {
      case 1: send_all(refused.back().get(), repeat("spam\n", 2000)); break;
      case 2: half_close(refused.back().get()); break;
      case 3: reset_connection(refused.back()); break;
      default: break;
    }
  }
  for (std::size_t i = 0; i < over; ++i) {
    if (!refused[i].valid()) continue;  // reset
    Received r = read_to_eof(refused[i].get());
    EXPECT_EQ(r.bytes, kRefusal) << "client " << i;
    EXPECT_TRUE(r.eof) << "client " << i << (r.timed_out ? ": no close" : "");
    if (r.timed_out) break;  // the others would only fail the same way, slowly
  }

  // The served clients never noticed.
  for (Fd& fd : served) {
    ASSERT_TRUE(send_all(fd.get(), "a\n"));
    EXPECT_EQ(read_exactly(fd.get(), kAck.size()), kAck);
  }
  // Refused clients that never close are closed after the linger time: the server
  // is back to its baseline plus the served clients.
  EXPECT_EQ(wait_for_fds(server.pid(), baseline + kCap), baseline + kCap);
  refused.clear();
  EXPECT_EQ(wait_for_fds(server.pid(), baseline + kCap), baseline + kCap);

  // A slot freed is a slot taken by the next client; the one after is refused.
  half_close(served.back().get());
  EXPECT_TRUE(read_to_eof(served.back().get()).eof);
  served.pop_back();
  served.push_back(greeted_client(server.address()));
  EXPECT_TRUE(served.back().valid());
  EXPECT_EQ(converse(server.address(), "a\n").bytes, kRefusal);
  served.clear();
  EXPECT_EQ(wait_for_fds(server.pid(), baseline), baseline);
  for (std::size_t i = 0; i < kCap + 1; ++i) {
    EXPECT_EQ(converse(server.address(), "a\n").bytes, kGreeting + kAck);
  }
  server.stop_cleanly();
}

// A greeted client, retrying while refused: slots given back by clients that left
// abruptly come free as the server notices, asynchronously. Invalid if no slot came
// free within the patience bound.
Fd client_with_a_slot(const Address& address) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  do {
    Fd fd = connect_to(address);
    std::string first = read_exactly(fd.get(), kGreeting.size());
    if (first == kGreeting) return fd;
    if (first != kRefusal.substr(0, kGreeting.size())) return Fd();
  } while (std::chrono::steady_clock::now() < deadline);
  return Fd();
}

TEST(ReliabilityCapacity, ResetsAndAbruptClosesGiveTheirSlotsBack) {
  ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--max-connections", std::to_string(kCap)});
  ASSERT_TRUE(server.started()) << server.error();
  // Many rounds of filling the cap and leaving abruptly: a slot that leaked would
  // leave a later round short of a client.
  for (int round = 0; round < 50; ++round) {
    std::vector<Fd> clients;
    for (std::size_t i = 0; i < kCap; ++i) {
      clients.push_back(client_with_a_slot(server.address()));
      ASSERT_TRUE(clients.back().valid()) << "round " << round << " client " << i;
      ASSERT_TRUE(send_all(clients.back().get(), repeat("x\n", 100)));
    }
    // Full: the next one is refused, however many have come and gone.
    ASSERT_EQ(converse(server.address(), "a\n").bytes, kRefusal) << "round " << round;
    for (std::size_t i = 0; i < kCap; ++i) {
      if ((round + static_cast<int>(i)) % 2 == 0) {
        reset_connection(clients[i]);
      } else {
        clients[i].reset();  // replies unread: the kernel resets
      }
    }
  }
  server.stop_cleanly();
}

}  // namespace
}  // namespace linespec::reference
