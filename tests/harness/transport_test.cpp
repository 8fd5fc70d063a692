#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "linespec/harness/process.hpp"
#include "linespec/harness/transport.hpp"
#include "loopback_server.hpp"

namespace linespec::harness {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackServer;

// Echoes every byte until the client ends, then closes.
void echo_handler(int fd, int) {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0 || !testing::write_all(fd, std::string_view(buffer, static_cast<std::size_t>(n)))) return;
  }
}

void expect_round_trip(const Target& target) {
  auto c = connect(target);
  ASSERT_TRUE(c) << c.error().message;
  auto deadline = Clock::now() + 5s;
  ASSERT_TRUE((*c)->write_all("hello\r\n", deadline));
  std::string got;
  while (got.size() < 7) {
    auto chunk = (*c)->read(64, deadline);
    ASSERT_TRUE(chunk) << chunk.error().message;
    ASSERT_FALSE(chunk->empty()) << "early EOF";
    got += *chunk;
  }
  EXPECT_EQ(got, "hello\r\n");
  ASSERT_TRUE((*c)->shutdown_write());
  EXPECT_EQ(*(*c)->read(64, deadline), "") << "EOF after the half-close";
}

TEST(Transport, TcpV4RoundTrip) {
  LoopbackServer server(LoopbackServer::Family::kV4, echo_handler);
  ASSERT_TRUE(server.ok());
  expect_round_trip(server.target());
}

TEST(Transport, TcpV6RoundTrip) {
  if (!testing::has_ipv6_loopback()) GTEST_SKIP() << "no ::1 on this machine";
  LoopbackServer server(LoopbackServer::Family::kV6, echo_handler);
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(server.target().to_string().rfind("tcp:[::1]:", 0), 0u);
  expect_round_trip(server.target());
}

TEST(Transport, UnixRoundTrip) {
  LoopbackServer server(LoopbackServer::Family::kUnix, echo_handler);
  ASSERT_TRUE(server.ok());
  expect_round_trip(server.target());
}

TEST(Transport, ExecRoundTripThroughPipes) { expect_round_trip(Target::exec("cat")); }

TEST(Transport, TcpSetsNoDelay) {
  LoopbackServer server(LoopbackServer::Family::kV4, echo_handler);
  auto c = connect(server.target());
  ASSERT_TRUE(c);
  int value = 0;
  socklen_t len = sizeof value;
  ASSERT_EQ(::getsockopt((*c)->read_fd(), IPPROTO_TCP, TCP_NODELAY, &value, &len), 0);
  EXPECT_NE(value, 0);
}

TEST(Transport, RefusedTcpIsUnreachableAndNamesTheTarget) {
  auto port = pick_free_loopback_port();
  ASSERT_TRUE(port);
  auto target = *parse_target("tcp:127.0.0.1:" + std::to_string(*port));
  auto c = connect(target);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(c.error().message.find(target.to_string()), std::string::npos) << c.error().message;
}

TEST(Transport, MissingUnixPathIsUnreachable) {
  auto c = connect(*parse_target("unix:/nonexistent-linespec-dir/s"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(c.error().message.find("unix:/nonexistent-linespec-dir/s"), std::string::npos);
}

TEST(Transport, TooLongUnixPathIsAUsageError) {
  Address address;
  address.kind = Address::Kind::kUnix;
  address.path = "/" + std::string(200, 'x');
  auto c = connect(Target::from_address(address));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kUsage);
}

TEST(Transport, UnresolvableHostIsUnreachable) {
  auto c = connect(*parse_target("tcp:no-such-host.invalid:80"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(c.error().message.find("no-such-host.invalid"), std::string::npos);
}

// What the server's read loop saw after the client's close: "eof" or an error.
class ObservingServer {
 public:
  explicit ObservingServer(LoopbackServer::Family family)
      : server_(family, [this](int fd, int) {
          // Answer something first, so that a reset has unread data to drop.
          testing::write_all(fd, "greeting\n");
          seen_.set_value(testing::read_until_end(fd));
        }) {}
  const Target& target() const { return server_.target(); }
  std::string seen() {
    auto future = seen_.get_future();
    if (future.wait_for(10s) != std::future_status::ready) return "nothing within 10 s";
    return future.get();
  }

 private:
  std::promise<std::string> seen_;
  LoopbackServer server_;
};

TEST(CloseModes, HalfCloseIsAFinTheServerCanStillAnswer) {
  LoopbackServer server(LoopbackServer::Family::kV4, [](int fd, int) {
    std::string data;
    if (testing::read_until_end(fd, &data) == "eof") testing::write_all(fd, "got " + data);
  });
  auto c = connect(server.target());
  ASSERT_TRUE(c);
  auto deadline = Clock::now() + 5s;
  ASSERT_TRUE((*c)->write_all("abc", deadline));
  ASSERT_TRUE((*c)->shutdown_write());
  std::string got;
  for (;;) {
    auto chunk = (*c)->read(64, deadline);
    ASSERT_TRUE(chunk) << chunk.error().message;
    if (chunk->empty()) break;
    got += *chunk;
  }
  EXPECT_EQ(got, "got abc");
}

TEST(CloseModes, FullCloseIsAFin) {
  ObservingServer server(LoopbackServer::Family::kV4);
  auto c = connect(server.target());
  ASSERT_TRUE(c);
  // Read the greeting first: closing with unread data would be a reset.
  EXPECT_EQ(*(*c)->read(9, Clock::now() + 5s), "greeting\n");
  (*c)->close();
  EXPECT_EQ(server.seen(), "eof");
}

TEST(CloseModes, ResetIsAnRstTheServerSeesAsConnectionReset) {
  ObservingServer server(LoopbackServer::Family::kV4);
  auto c = connect(server.target());
  ASSERT_TRUE(c);
  EXPECT_EQ(*(*c)->read(9, Clock::now() + 5s), "greeting\n");
  (*c)->reset();
  EXPECT_EQ(server.seen(), "error: Connection reset by peer");
}

TEST(CloseModes, ExecHalfCloseEndsTheChildsInput) {
  auto c = connect(Target::exec("cat; echo done"));
  ASSERT_TRUE(c);
  auto deadline = Clock::now() + 5s;
  ASSERT_TRUE((*c)->write_all("x", deadline));
  ASSERT_TRUE((*c)->shutdown_write());
  std::string got;
  for (;;) {
    auto chunk = (*c)->read(64, deadline);
    ASSERT_TRUE(chunk) << chunk.error().message;
    if (chunk->empty()) break;
    got += *chunk;
  }
  EXPECT_EQ(got, "xdone\n");
  (*c)->close();
  EXPECT_NE((*c)->diagnostics().find("exit 0"), std::string::npos) << (*c)->diagnostics();
}

TEST(CloseModes, ExecResetKillsTheChild) {
  auto c = connect(Target::exec("sleep 30"));
  ASSERT_TRUE(c);
  (*c)->reset();
  EXPECT_NE((*c)->diagnostics().find("signal 9"), std::string::npos) << (*c)->diagnostics();
}

TEST(CloseModes, ExecChildThatOutlivesTheCloseIsKilled) {
  auto c = connect(Target::exec("trap '' PIPE; exec sleep 30"));
  ASSERT_TRUE(c);
  auto start = Clock::now();
  (*c)->close();
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_NE((*c)->diagnostics().find("signal 9"), std::string::npos) << (*c)->diagnostics();
}

TEST(Transport, ExecCapturesTheChildsStderr) {
  auto c = connect(Target::exec("echo 'something broke' >&2"));
  ASSERT_TRUE(c);
  EXPECT_EQ(*(*c)->read(64, Clock::now() + 5s), "");
  (*c)->close();
  EXPECT_NE((*c)->diagnostics().find("something broke"), std::string::npos) << (*c)->diagnostics();
}

TEST(Transport, ExecOfAMissingCommandReportsUnreachable) {
  auto c = connect(Target::exec("/nonexistent/linespec-no-such-server"));
  ASSERT_TRUE(c) << "the shell itself starts";
  EXPECT_EQ(*(*c)->read(64, Clock::now() + 5s), "");
  (*c)->close();
  auto failure = (*c)->failure();
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->kind, ErrorKind::kUnreachable);
  EXPECT_NE(failure->message.find("exit 127"), std::string::npos) << failure->message;
}

}  // namespace
}  // namespace linespec::harness
