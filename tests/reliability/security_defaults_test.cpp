// linespec-server's safe defaults: it listens on loopback unless told otherwise,
// treats every client byte as data (nothing is interpreted, logged or echoed
// anywhere but to that client), and bounds every buffer a client can fill.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "linespec/harness/session.hpp"
#include "server_process.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

TEST(ReliabilitySecurityDefaults, ServerConfigDefaultsToLoopback) {
  ServerConfig config;
  EXPECT_EQ(config.listen.kind, Address::Kind::kTcp);
  EXPECT_EQ(config.listen.host, "127.0.0.1");
  EXPECT_FALSE(config.stdio);
}

// A system-wide default port cannot be used by a test, so the program runs in a
// network namespace of its own (unshare -rn), where /proc/PID/net/tcp lists only
// its sockets.
TEST(ReliabilitySecurityDefaults, ProgramWithoutListenBindsLoopbackOnly) {
  if (!run_program({"unshare", "-rn", "true"}).status.success()) {
    GTEST_SKIP() << "no unprivileged network namespaces (unshare -rn)";
  }
  auto spawned = harness::spawn_server(harness::Command::program({"unshare", "-rn", kServerProgram}));
  ASSERT_TRUE(spawned) << spawned.error().message;
  EXPECT_EQ(spawned->address().to_string(), "tcp:127.0.0.1:10008");
  std::ifstream tcp("/proc/" + std::to_string(spawned->process().pid()) + "/net/tcp");
  std::ifstream tcp6("/proc/" + std::to_string(spawned->process().pid()) + "/net/tcp6");
  std::vector<std::string> listening;
  for (std::ifstream* table : {&tcp, &tcp6}) {
    std::string line;
    std::getline(*table, line);  // header
    while (std::getline(*table, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state == "0A") listening.push_back(local);  // TCP_LISTEN
    }
  }
  // 127.0.0.1:10008, in /proc's byte order.
  EXPECT_EQ(listening, std::vector<std::string>{"0100007F:2718"});
  spawned->process().terminate();
  auto status = spawned->process().wait(kPatience);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success()) << status->to_string();
}

// Every byte value, and text that means something to a shell, a printf, a
// terminal, a CSV/JSON consumer or to the protocol's own client.
std::string hostile_bytes() {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  return all + "\n%s%s%n%x\n$(reboot)`id`;rm -rf /\n\x1b[2J\x1b]0;title\x07\n" +
         "not connect\n--help\n\"},{\"x\":1\n" + std::string("\0\0\0\n", 4) + "\xff\xfe\xfd";
}

TEST(ReliabilitySecurityDefaults, ClientBytesAreOnlyEverData) {
  const std::string sent = hostile_bytes();
  {
    ServerProcess echo({"--listen", "tcp:127.0.0.1:0", "--profile", "echo"});
    ASSERT_TRUE(echo.started()) << echo.error();
    Received r = converse(echo.address(), sent);
    EXPECT_TRUE(r.eof);
    EXPECT_EQ(r.bytes, kGreeting + sent);  // verbatim, nothing more
    echo.stop_cleanly();                   // and nothing on stderr
  }
  {
    ServerProcess seed({"--listen", "tcp:127.0.0.1:0"});
    ASSERT_TRUE(seed.started()) << seed.error();
    // CR and LF end records; the 256 values hold one of each.
    std::size_t records = 0;
    for (char c : sent) records += c == '\r' || c == '\n' ? 1 : 0;
    Received r = converse(seed.address(), sent);
    EXPECT_EQ(r.bytes, kGreeting + acks(records + 1));  // + the final fragment
    EXPECT_EQ(converse(seed.address(), "SOME DATA\n").bytes, kGreeting + kAck);
    seed.stop_cleanly();
  }
}

// Sends `total` bytes of `chunk` (no terminator in it), reading whatever comes
// back on the way; what came back, and whether the server closed.
Received send_endless_line(const Address& address, std::size_t total) {
  Fd fd = connect_to(address);
  Received r;
  if (!fd.valid()) return r;
  ::fcntl(fd.get(), F_SETFL, O_NONBLOCK);
  const std::string chunk(64 * 1024, 'L');
  std::size_t sent = 0;
  char buffer[65536];
  while (sent < total && !r.eof && !r.reset) {
    ssize_t n = ::send(fd.get(), chunk.data(), std::min(chunk.size(), total - sent), MSG_NOSIGNAL);
    if (n > 0) sent += static_cast<std::size_t>(n);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      r.reset = true;
      break;
    }
    for (;;) {
      ssize_t got = ::recv(fd.get(), buffer, sizeof buffer, 0);
      if (got > 0) {
        r.bytes.append(buffer, static_cast<std::size_t>(got));
        continue;
      }
      if (got == 0) r.eof = true;
      if (got < 0 && errno == ECONNRESET) r.reset = true;
      break;
    }
    if (n < 0) {
      pollfd p{fd.get(), POLLOUT | POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(kPatience.count())) <= 0) {
        r.timed_out = true;
        break;
      }
      if ((p.revents & (POLLHUP | POLLERR)) != 0) break;
    }
  }
  return r;
}

TEST(ReliabilitySecurityDefaults, AnEndlessLineCannotGrowTheServer) {
  TempDir dir;
  const std::string unlimited = dir.file("unlimited.profile");
  const std::string held = dir.file("held.profile");
  std::ofstream(unlimited) << "max-record = unlimited\n";
  std::ofstream(held) << "base = echo\nfinal-fragment = drop\nmax-record = unlimited\n";
  const std::size_t line = 64u << 20;

  // ack, no record limit: a record is only counted, never kept.
  {
    ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--profile", unlimited});
    ASSERT_TRUE(server.started()) << server.error();
    const std::size_t rss_before = resident_kib(server.pid()).value_or(0);
    Received r = send_endless_line(server.address(), line);
    EXPECT_EQ(r.bytes, kGreeting);
    EXPECT_FALSE(r.eof || r.reset || r.timed_out);
    const std::size_t rss_after = resident_kib(server.pid()).value_or(0);
    if (!kSanitized) {
      EXPECT_LT(rss_after, rss_before + 4096) << "a 64 MiB line grew VmRSS";
    }
    server.stop_cleanly();
  }
  // echo + final-fragment drop, no record limit: an unterminated fragment must be
  // held back, up to 1 MiB; past that the connection is closed.
  {
    ServerProcess server({"--listen", "tcp:127.0.0.1:0", "--profile", held});
    ASSERT_TRUE(server.started()) << server.error();
    const std::size_t rss_before = resident_kib(server.pid()).value_or(0);
    Received r = send_endless_line(server.address(), line);
    EXPECT_EQ(r.bytes, kGreeting);
    EXPECT_TRUE(r.eof || r.reset) << "the server kept taking an endless fragment";
    const std::size_t rss_after = resident_kib(server.pid()).value_or(0);
    if (!kSanitized) {
      EXPECT_LT(rss_after, rss_before + 8192) << "a 64 MiB fragment grew VmRSS";
    }
    EXPECT_EQ(converse(server.address(), "a\nb").bytes, kGreeting + "a\n");
    server.stop_cleanly();
  }
}

TEST(ReliabilitySecurityDefaults, AnIdleConnectionCostsLittleMemory) {
  ServerProcess server({"--listen", "tcp:127.0.0.1:0"});
  ASSERT_TRUE(server.started()) << server.error();
  ASSERT_EQ(converse(server.address(), "warm\n").bytes, kGreeting + kAck);
  const std::size_t rss_before = resident_kib(server.pid()).value_or(0);
  const std::size_t clients = 400;
  std::vector<Fd> fds;
  for (std::size_t i = 0; i < clients; ++i) {
    fds.push_back(greeted_client(server.address()));
    ASSERT_TRUE(fds.back().valid()) << i;
    ASSERT_TRUE(send_all(fds.back().get(), "partial record"));
  }
  ASSERT_TRUE(send_all(fds.back().get(), "\n"));
  ASSERT_EQ(read_exactly(fds.back().get(), kAck.size()), kAck);  // all were read
  const std::size_t rss_after = resident_kib(server.pid()).value_or(0);
  const std::size_t per_client = (rss_after > rss_before ? rss_after - rss_before : 0) * 1024 / clients;
  RecordProperty("rss_bytes_per_idle_client", std::to_string(per_client));
  // Buffers are per worker (the read buffer) or grow only with a backlog: an idle
  // client holds its bookkeeping only.
  if (!kSanitized) {
    EXPECT_LT(per_client, 16u * 1024) << "VmRSS " << rss_before << " -> " << rss_after << " KiB";
  }
  fds.clear();
  server.stop_cleanly();
}

// exec: targets run the command the user gave, once per connection, through
// /bin/sh -c; what the harness sends and receives is only ever data to it.
TEST(ReliabilitySecurityDefaults, HarnessExecRunsOnlyTheCommandGivenAndNeverItsData) {
  TempDir dir;
  const std::string marker = dir.file("ran");
  const std::string log = dir.file("starts");
  // Text that runs `touch` wherever a shell sees it, and means something to printf.
  const std::string hostile = "$(touch " + marker + ")`touch " + marker + "`;touch " + marker + "\n%n%s\n";
  harness::SessionOptions options;
  options.inactivity_timeout = 2000ms;
  const harness::Plan plan = {harness::Step::send(hostile), harness::Step::close(harness::CloseMode::kHalfClose)};

  // Sent: the child gets the bytes on stdin, as they are.
  auto echoed = harness::run_session(harness::Target::exec("echo start >> " + log + "; exec cat"), plan, options);
  EXPECT_EQ(echoed.ending, harness::Ending::kPeerClosed) << harness::to_string(echoed.ending);
  EXPECT_EQ(echoed.received, hostile);
  // Received: the child's output is recorded, never run.
  auto printed = harness::run_session(harness::Target::exec("printf '%s' '" + hostile + "'; cat >/dev/null"), plan,
                                      options);
  EXPECT_EQ(printed.ending, harness::Ending::kPeerClosed) << harness::to_string(printed.ending);
  EXPECT_EQ(printed.received, hostile);

  EXPECT_FALSE(std::filesystem::exists(marker)) << "data was run as a command";
  std::ifstream starts(log);
  std::string text((std::istreambuf_iterator<char>(starts)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "start\n") << "one connection, one run of the command";
}

}  // namespace
}  // namespace linespec::reference
