// Clients that send without end and never read: linespec-server stops reading from
// them once their replies back up, so its memory stays bounded, and other clients
// are served as usual meanwhile.
#include <fcntl.h>
#include <gtest/gtest.h>

#include "server_process.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

constexpr std::size_t kFlooders = 4;
// Resident memory the flooders may add to the server. Each connection holds at
// most its reply backlog (256 KiB high-water mark, one reply or one read beyond
// it), input it read but could not take yet (one 64 KiB read), and allocator
// slack of the same order: under 1 MiB. Buffering what the flooders send instead
// would take hundreds of MiB (see the cases below).
constexpr std::size_t kGrowthBoundKib = 16 * 1024;

struct Flood {
  const char* profile;
  std::string chunk;        // sent over and over
  std::size_t per_client;   // bytes each flooder tries to send
  std::string probe;        // a well-behaved client's conversation...
  std::string probe_reply;  // ...and everything it must receive
};

void PrintTo(const Flood& flood, std::ostream* out) { *out << flood.profile; }

// Sends chunks until `total` bytes went out or the socket stayed full for `quiet`.
std::size_t send_until_blocked(int fd, std::string_view chunk, std::size_t total, milliseconds quiet) {
  std::size_t sent = 0;
  while (sent < total) {
    ssize_t n = ::send(fd, chunk.data(), std::min(chunk.size(), total - sent), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) break;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(quiet.count())) == 0) break;  // the server stopped reading
  }
  return sent;
}

class ReliabilityBackPressure : public ::testing::TestWithParam<Flood> {};

TEST_P(ReliabilityBackPressure, NeverReadingClientsAreBackPressuredAndMemoryStaysBounded) {
  const Flood& flood = GetParam();
  ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--profile", flood.profile});
  ASSERT_TRUE(server.started()) << server.error();
  // A first conversation warms the allocator up before the baseline is taken.
  ASSERT_EQ(converse(server.address(), flood.probe).bytes, flood.probe_reply);
  const std::size_t fds_before = server.idle_fds();
  const std::size_t rss_before = resident_kib(server.pid()).value_or(0);

  std::vector<Fd> flooders;
  std::size_t sent = 0;
  for (std::size_t i = 0; i < kFlooders; ++i) {
    flooders.push_back(greeted_client(server.address(), builtin_profile(flood.profile)->greeting_line()));
    ASSERT_TRUE(flooders.back().valid());
    ::fcntl(flooders.back().get(), F_SETFL, O_NONBLOCK);
    sent += send_until_blocked(flooders.back().get(), flood.chunk, flood.per_client, 300ms);
  }

  // Meanwhile a client that reads is served at once and correctly.
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(converse(server.address(), flood.probe).bytes, flood.probe_reply);
  const auto latency = std::chrono::steady_clock::now() - begin;
  if (!kSanitized) {
    EXPECT_LT(latency, 1000ms);
  }

  const std::size_t rss_peak = peak_resident_kib(server.pid(), 500ms);
  RecordProperty("bytes_sent_by_flooders", std::to_string(sent));
  RecordProperty("rss_before_kib", std::to_string(rss_before));
  RecordProperty("rss_peak_kib", std::to_string(rss_peak));
  if (!kSanitized) {
    EXPECT_LT(rss_peak, rss_before + kGrowthBoundKib)
        << "VmRSS grew from " << rss_before << " KiB to " << rss_peak << " KiB while " << kFlooders
        << " clients sent " << sent << " bytes without reading";
  }

  // The flooders go away abruptly; their descriptors and memory go with them.
  for (Fd& fd : flooders) reset_connection(fd);
  EXPECT_EQ(wait_for_fds(server.pid(), fds_before), fds_before);
  EXPECT_EQ(converse(server.address(), flood.probe).bytes, flood.probe_reply);
  server.stop_cleanly();
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, ReliabilityBackPressure,
    ::testing::Values(
        // seed: 21 reply bytes per 1-byte record; 4 MiB of records from each flooder
        // would be 84 MiB of replies each.
        Flood{"seed", std::string(64 * 1024, '\n'), 4u << 20, "a\nb\n", kGreeting + acks(2)},
        // echo: every byte comes back; 32 MiB from each flooder.
        Flood{"echo", repeat(std::string(63, 'e') + "\n", 1024), 32u << 20, "a\nb\n", kGreeting + "a\nb\n"},
        // stream: every byte comes back, no framing, no greeting.
        Flood{"stream", std::string(64 * 1024, 's'), 32u << 20, "a\nb", "a\nb"}),
    [](const ::testing::TestParamInfo<Flood>& info) { return std::string(info.param.profile); });

}  // namespace
}  // namespace linespec::reference
