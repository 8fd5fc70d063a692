#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "linespec/reference/server.hpp"
#include "test_sockets.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

// Sends `bytes`, half-closes and reads everything the server sends until it closes.
Received converse(const Address& address, std::string_view bytes) {
  Fd fd = connect_to(address);
  EXPECT_TRUE(fd.valid()) << address.to_string();
  EXPECT_EQ(read_exactly(fd.get(), kGreeting.size()), kGreeting);
  EXPECT_TRUE(send_all(fd.get(), bytes));
  half_close(fd.get());
  return read_to_eof(fd.get());
}

TEST(ReferenceServer, TcpGreetsThenAcksEachRecord) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started()) << s.started().error().message;
  EXPECT_EQ(s.address().host, "127.0.0.1");
  EXPECT_NE(s.address().port, 0);
  Fd fd = connect_to(s.address());
  ASSERT_TRUE(fd.valid());
  EXPECT_EQ(read_exactly(fd.get(), kGreeting.size()), kGreeting);
  ASSERT_TRUE(send_all(fd.get(), "SOME DATA\n"));
  EXPECT_EQ(read_exactly(fd.get(), kAck.size()), kAck);
  fd.reset();
  EXPECT_TRUE(s.stop());
}

TEST(ReferenceServer, AnswersTheProtocolTableOverTcp) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  struct Row {
    std::string sent;
    std::size_t replies;
  };
  const std::vector<Row> table = {
      {"SOME DATA\n", 1},        {"x\r\n", 2},  {"x\ry\n", 2},
      {"\n", 1},                 {"0\n", 1},    {std::string(1023, 'A') + "\n", 1},
      {std::string(1024, 'A') + "\n", 2},       {std::string(2048, 'A') + "\n", 3},
      {"abc", 1},                {std::string("a\0b\n", 4), 1},
  };
  for (const Row& row : table) {
    Received r = converse(s.address(), row.sent);
    EXPECT_TRUE(r.eof) << row.sent.size();
    EXPECT_EQ(r.bytes, acks(row.replies)) << row.sent.size() << " bytes sent";
  }
}

TEST(ReferenceServer, HalfCloseGetsEveryPendingReplyThenTheClose) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  // Far more replies than socket buffers hold: the server must keep them until
  // the client reads, and close only after the last one went out.
  const std::size_t records = 200000;
  Fd fd = connect_to(s.address());
  ASSERT_TRUE(fd.valid());
  std::thread writer([&] {
    send_all(fd.get(), repeat("x\n", records) + "tail");
    half_close(fd.get());
  });
  Received r = read_to_eof(fd.get());
  writer.join();
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(r.bytes.size(), kGreeting.size() + (records + 1) * kAck.size());
  EXPECT_EQ(r.bytes, kGreeting + acks(records + 1));
}

TEST(ReferenceServer, SurvivesResetAndCloseWithUnreadReplies) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  {
    Fd fd = connect_to(s.address());
    ASSERT_TRUE(send_all(fd.get(), "a\nb\n"));
    reset_connection(fd);
  }
  {
    Fd fd = connect_to(s.address());
    ASSERT_TRUE(send_all(fd.get(), repeat("x\n", 50000)));
    fd.reset();  // unread greeting and replies: the kernel resets
  }
  {
    Fd fd = connect_to(s.address());
    fd.reset();  // connect then close at once
  }
  EXPECT_EQ(converse(s.address(), "SOME DATA\n").bytes, kAck);
  EXPECT_TRUE(s.stop());
}

TEST(ReferenceServer, ClientThatNeverReadsIsBackPressuredNotBuffered) {
  ServerConfig config = loopback_config();
  config.limits.output_high_water = 64 * 1024;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  Fd fd = connect_to(s.address());
  ASSERT_TRUE(fd.valid());
  ::fcntl(fd.get(), F_SETFL, O_NONBLOCK);
  // 64 MiB of records would be 1.3 GiB of replies. The server stops reading once
  // its output backs up, so the client's sends block long before the end.
  const std::string block = repeat("\n", 1 << 16);
  std::size_t sent = 0;
  while (sent < (64u << 20)) {
    ssize_t n = ::send(fd.get(), block.data(), block.size(), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, 500) == 0) break;  // the server stopped taking bytes
  }
  EXPECT_LT(sent, 64u << 20);
  reset_connection(fd);
  EXPECT_EQ(converse(s.address(), "a\n").bytes, kAck);  // others are still served
}

TEST(ReferenceServer, ServesClientsConcurrently) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  Fd first = connect_to(s.address());
  EXPECT_EQ(read_exactly(first.get(), kGreeting.size()), kGreeting);
  // The first is still open: the second is greeted and answered anyway.
  EXPECT_EQ(converse(s.address(), "b\n").bytes, kAck);
  ASSERT_TRUE(send_all(first.get(), "a\n"));
  EXPECT_EQ(read_exactly(first.get(), kAck.size()), kAck);
}

TEST(ReferenceServer, SequentialProfileGreetsTheNextClientOnlyAfterTheFirstCloses) {
  Profile p;
  p.concurrency = Concurrency::kSequential;
  RunningServer s(loopback_config(p));
  ASSERT_TRUE(s.started());
  Fd first = connect_to(s.address());
  EXPECT_EQ(read_exactly(first.get(), kGreeting.size()), kGreeting);
  Fd second = connect_to(s.address());  // queued by the kernel
  ASSERT_TRUE(second.valid());
  EXPECT_TRUE(read_from(second.get(), 1, 200ms).timed_out);
  half_close(first.get());
  EXPECT_TRUE(read_to_eof(first.get()).eof);
  EXPECT_EQ(read_exactly(second.get(), kGreeting.size()), kGreeting);
}

TEST(ReferenceServer, SequentialProfileRefusesSeveralThreads) {
  ServerConfig config = loopback_config();
  config.profile.concurrency = Concurrency::kSequential;
  config.threads = 2;
  Server server(config);
  Status started = server.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, ErrorKind::kUsage);
}

TEST(ReferenceServer, ConnectionCapRefusesWithTheMarkerLineAndCloses) {
  ServerConfig config = loopback_config();
  config.max_connections = 1;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  Fd first = connect_to(s.address());
  EXPECT_EQ(read_exactly(first.get(), kGreeting.size()), kGreeting);
  Fd second = connect_to(s.address());
  Received refused = read_to_eof(second.get());
  EXPECT_EQ(refused.bytes, "not connect\n");
  EXPECT_TRUE(refused.eof);
  // Once the first client is gone, its slot is free again.
  half_close(first.get());
  EXPECT_TRUE(read_to_eof(first.get()).eof);
  EXPECT_EQ(converse(s.address(), "a\n").bytes, kAck);
}

TEST(ReferenceServer, ProfileCapacityIsTheDefaultCap) {
  Profile p;
  p.capacity = 1;
  p.refusal_marker = "busy";
  RunningServer s(loopback_config(p));
  ASSERT_TRUE(s.started());
  Fd first = connect_to(s.address());
  EXPECT_EQ(read_exactly(first.get(), kGreeting.size()), kGreeting);
  Fd second = connect_to(s.address());
  EXPECT_EQ(read_to_eof(second.get()).bytes, "busy\n");
}

TEST(ReferenceServer, IdleConnectionIsClosedAfterTheTimeout) {
  ServerConfig config = loopback_config();
  config.idle_timeout = 300ms;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  Fd fd = connect_to(s.address());
  auto begin = std::chrono::steady_clock::now();
  Received r = read_to_eof(fd.get());
  EXPECT_EQ(r.bytes, kGreeting);
  EXPECT_TRUE(r.eof || r.reset);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 290ms);
  // Activity keeps a connection alive past the timeout: only silence counts.
  Fd active = connect_to(s.address());
  EXPECT_EQ(read_exactly(active.get(), kGreeting.size()), kGreeting);
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(100ms);  // the idle time itself is what is tested
    ASSERT_TRUE(send_all(active.get(), "a\n"));
    EXPECT_EQ(read_exactly(active.get(), kAck.size()), kAck);
  }
}

TEST(ReferenceServer, StopSendsTheRepliesOwedThenClosesAndRunReturns) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  Fd fd = connect_to(s.address());
  EXPECT_EQ(read_exactly(fd.get(), kGreeting.size()), kGreeting);
  ASSERT_TRUE(send_all(fd.get(), "a\n"));
  EXPECT_EQ(read_exactly(fd.get(), kAck.size()), kAck);
  ASSERT_TRUE(send_all(fd.get(), repeat("b\n", 1000)));
  // Replies not read yet when the stop comes: they are still delivered.
  EXPECT_EQ(read_exactly(fd.get(), kAck.size()), kAck);
  s.server().stop();
  Received r = read_to_eof(fd.get());
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(r.bytes, acks(999));
  fd.reset();
  EXPECT_TRUE(s.join());
  // New clients are refused by the kernel once the listener is closed.
  EXPECT_FALSE(connect_to(s.address()).valid());
}

TEST(ReferenceServer, StopReturnsWithinTheDrainBoundWhenAClientNeverCloses) {
  ServerConfig config = loopback_config();
  config.drain_timeout = 200ms;
  config.linger = 10000ms;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  Fd fd = connect_to(s.address());
  EXPECT_EQ(read_exactly(fd.get(), kGreeting.size()), kGreeting);
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(s.stop());
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2000ms);
}

TEST(ReferenceServer, Ipv6Loopback) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback";
  ServerConfig config = loopback_config();
  config.listen = *parse_address("tcp:[::1]:0");
  RunningServer s(config);
  ASSERT_TRUE(s.started()) << s.started().error().message;
  EXPECT_EQ(s.address().host, "::1");
  EXPECT_EQ(s.address().to_string().rfind("tcp:[::1]:", 0), 0u);
  EXPECT_EQ(converse(s.address(), "SOME DATA\n").bytes, kAck);
}

TEST(ReferenceServer, UnixSocketServesAndIsRemovedAfterwards) {
  TempDir dir;
  ServerConfig config = loopback_config();
  config.listen = *parse_address("unix:" + dir.file("s"));
  {
    RunningServer s(config);
    ASSERT_TRUE(s.started()) << s.started().error().message;
    EXPECT_EQ(s.address().to_string(), "unix:" + dir.file("s"));
    EXPECT_EQ(converse(s.address(), "SOME DATA\nabc").bytes, acks(2));
    EXPECT_TRUE(s.stop());
  }
  struct stat st {};
  EXPECT_NE(::lstat(dir.file("s").c_str(), &st), 0);
}

TEST(ReferenceServer, UnixSocketReplacesAStaleSocketButNotOtherFiles) {
  TempDir dir;
  const std::string path = dir.file("s");
  {
    // A socket file nobody listens on any more.
    Fd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(::bind(stale.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  ServerConfig config = loopback_config();
  config.listen = *parse_address("unix:" + path);
  {
    RunningServer s(config);
    ASSERT_TRUE(s.started()) << s.started().error().message;
    EXPECT_EQ(converse(s.address(), "a\n").bytes, kAck);
    // While it runs, a second server must not steal the path.
    Server second(config);
    Status busy = second.start();
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error().kind, ErrorKind::kUsage);
    EXPECT_NE(busy.error().message.find("already in use"), std::string::npos) << busy.error().message;
  }
  const std::string plain = dir.file("plain");
  { std::ofstream(plain) << "keep me"; }
  config.listen = *parse_address("unix:" + plain);
  Server server(config);
  Status refused = server.start();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
  EXPECT_NE(refused.error().message.find("not a socket"), std::string::npos) << refused.error().message;
  struct stat st {};
  EXPECT_EQ(::lstat(plain.c_str(), &st), 0);
}

TEST(ReferenceServer, PortInUseIsAUsageError) {
  RunningServer first(loopback_config());
  ASSERT_TRUE(first.started());
  ServerConfig config = loopback_config();
  config.listen = first.address();
  Server second(config);
  Status started = second.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(started.error().message, "address " + first.address().to_string() + " is already in use");
}

TEST(ReferenceServer, SeveralTcpThreadsShareThePort) {
  ServerConfig config = loopback_config();
  config.threads = 4;
  RunningServer s(config);
  ASSERT_TRUE(s.started()) << s.started().error().message;
  std::vector<Fd> clients;
  for (int i = 0; i < 32; ++i) {
    clients.push_back(connect_to(s.address()));
    ASSERT_TRUE(clients.back().valid());
  }
  for (auto& c : clients) {
    EXPECT_EQ(read_exactly(c.get(), kGreeting.size()), kGreeting);
    ASSERT_TRUE(send_all(c.get(), "a\nb"));
    half_close(c.get());
  }
  for (auto& c : clients) EXPECT_EQ(read_to_eof(c.get()).bytes, acks(2));
  EXPECT_TRUE(s.stop());
}

TEST(ReferenceServer, SeveralThreadsShareOneUnixListener) {
  TempDir dir;
  ServerConfig config = loopback_config();
  config.listen = *parse_address("unix:" + dir.file("s"));
  config.threads = 3;
  RunningServer s(config);
  ASSERT_TRUE(s.started()) << s.started().error().message;
  for (int i = 0; i < 12; ++i) EXPECT_EQ(converse(s.address(), "a\n").bytes, kAck);
  EXPECT_TRUE(s.stop());
}

TEST(ReferenceServer, EveryBuiltinProfile) {
  for (const char* name : {"seed", "lf", "echo", "stream"}) {
    Profile p = *builtin_profile(name);
    RunningServer s(loopback_config(p));
    ASSERT_TRUE(s.started());
    Fd fd = connect_to(s.address());
    EXPECT_EQ(read_exactly(fd.get(), p.greeting_line().size()), p.greeting_line()) << name;
    ASSERT_TRUE(send_all(fd.get(), "x\r\nabc"));
    half_close(fd.get());
    std::string expected = p.reply == ReplyKind::kAck
                               ? acks(p.terminators == Terminators::kLf ? 2 : 3)
                               : std::string("x\r\nabc");
    EXPECT_EQ(read_to_eof(fd.get()).bytes, expected) << name;
  }
}

TEST(ReferenceServer, StdioSessionOverPipes) {
  std::signal(SIGPIPE, SIG_IGN);
  Pipe to_server;
  Pipe from_server;
  ServerConfig config;
  config.stdio = true;
  config.stdio_in = to_server.read_end.get();
  config.stdio_out = from_server.write_end.get();
  RunningServer s(config);
  ASSERT_TRUE(s.started()) << s.started().error().message;
  // The server owns its ends now.
  (void)to_server.read_end.release();
  (void)from_server.write_end.release();
  ASSERT_EQ(::write(to_server.write_end.get(), "SOME DATA\nab", 12), 12);
  to_server.write_end.reset();
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(from_server.read_end.get(), buffer, sizeof buffer)) > 0;) {
    out.append(buffer, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(out, kGreeting + acks(2));
  EXPECT_TRUE(s.join());
}

}  // namespace
}  // namespace linespec::reference
