#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

#include "linespec/reference/client.hpp"
#include "test_sockets.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

// A one-connection server scripted by the test: accepts once and runs `script`
// on the connection, to play servers that break the protocol.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(int)> script) {
    listener_ = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof a;
    ::bind(listener_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listener_.get(), 4);
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&a), &length);
    address_ = Address{Address::Kind::kTcp, "127.0.0.1", ntohs(a.sin_port), ""};
    thread_ = std::thread([this, script = std::move(script)] {
      Fd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (client.valid()) script(client.get());
    });
  }
  ~ScriptedServer() { thread_.join(); }
  const Address& address() const { return address_; }

 private:
  Fd listener_;
  Address address_;
  std::thread thread_;
};

ClientConfig client_for(const Address& address) {
  ClientConfig config;
  config.connect = address;
  config.timeout = 2000ms;
  return config;
}

TEST(ReferenceClient, SendsSomeDataAndReturnsTheReply) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  auto report = run_client(client_for(s.address()));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->greeting, "connect");
  EXPECT_EQ(report->records, 1u);
  EXPECT_EQ(report->replies, kAck);
}

TEST(ReferenceClient, CountsRecordsTheWayTheServerFramesThem) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  ClientConfig config = client_for(s.address());
  config.records = {"one", "x\ry", std::string(1024, 'A'), ""};
  auto report = run_client(config);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->records, 6u);
  EXPECT_EQ(report->replies, acks(6));
}

TEST(ReferenceClient, EchoAndStreamProfilesExpectTheBytesBack) {
  for (const char* name : {"echo", "stream"}) {
    Profile p = *builtin_profile(name);
    RunningServer s(loopback_config(p));
    ASSERT_TRUE(s.started());
    ClientConfig config = client_for(s.address());
    config.profile = p;
    config.records = {"hello", "world"};
    auto report = run_client(config);
    ASSERT_TRUE(report) << name << ": " << report.error().message;
    EXPECT_EQ(report->replies, "hello\nworld\n");
  }
}

TEST(ReferenceClient, UnixSocket) {
  TempDir dir;
  ServerConfig config = loopback_config();
  config.listen = *parse_address("unix:" + dir.file("s"));
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  auto report = run_client(client_for(s.address()));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->replies, kAck);
}

TEST(ReferenceClient, ServerAtItsCapIsARefusal) {
  ServerConfig config = loopback_config();
  config.max_connections = 1;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  Fd holder = connect_to(s.address());
  EXPECT_EQ(read_exactly(holder.get(), kGreeting.size()), kGreeting);
  auto report = run_client(client_for(s.address()));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kUnreachable);
  EXPECT_EQ(report.error().message,
            "refused by " + s.address().to_string() + ": the server sent 'not connect'");
}

TEST(ReferenceClient, ClosedPortIsUnreachable) {
  Address address;
  {
    RunningServer s(loopback_config());
    ASSERT_TRUE(s.started());
    address = s.address();
  }  // stopped: nothing listens there now
  auto report = run_client(client_for(address));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kUnreachable);
  EXPECT_EQ(report.error().message, "cannot connect to " + address.to_string() + ": Connection refused");
}

TEST(ReferenceClient, GreetingSplitOverSeveralWritesIsFine) {
  ScriptedServer server([](int fd) {
    for (const char* piece : {"con", "ne", "ct", "\n"}) {
      send_all(fd, piece);
      std::this_thread::sleep_for(5ms);  // separate segments: the split is the point
    }
    read_from(fd, 10);
    send_all(fd, kAck);
    half_close(fd);
    read_to_eof(fd);
  });
  auto report = run_client(client_for(server.address()));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->replies, kAck);
}

TEST(ReferenceClient, WrongGreetingIsAProtocolError) {
  ScriptedServer server([](int fd) {
    send_all(fd, "hello\n");
    read_to_eof(fd);
  });
  auto report = run_client(client_for(server.address()));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kProtocol);
  EXPECT_EQ(report.error().message, "expected the greeting 'connect\\n', got 'hello\\n'");
}

TEST(ReferenceClient, TooFewRepliesBeforeTheCloseIsAProtocolError) {
  ScriptedServer server([](int fd) {
    send_all(fd, kGreeting);
    read_from(fd, 4);
    send_all(fd, kAck);  // one reply for two records, then close
  });
  ClientConfig config = client_for(server.address());
  config.records = {"a", "b"};
  auto report = run_client(config);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kProtocol);
  EXPECT_EQ(report.error().message, "expected 2 replies, got 1 before the server closed");
}

TEST(ReferenceClient, WrongReplyTextIsAProtocolError) {
  ScriptedServer server([](int fd) {
    send_all(fd, kGreeting);
    read_from(fd, 10);
    send_all(fd, "OK\n");
    half_close(fd);
    read_to_eof(fd);
  });
  auto report = run_client(client_for(server.address()));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kProtocol);
  EXPECT_EQ(report.error().message, "reply 1: expected 'Information Received', got 'OK'");
}

TEST(ReferenceClient, ExtraReplyIsAProtocolError) {
  ScriptedServer server([](int fd) {
    send_all(fd, kGreeting);
    read_from(fd, 10);
    send_all(fd, acks(2));
    half_close(fd);
    read_to_eof(fd);
  });
  auto report = run_client(client_for(server.address()));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kProtocol);
  EXPECT_EQ(report.error().message, "expected 1 reply, got more: 'Information Received\\n'");
}

// Sends `chunk` until the client goes away, or 64 MiB: a client that buffered it
// all would then wait for its timeout instead of failing at once.
void flood(int fd, const std::string& chunk) {
  for (std::size_t sent = 0; sent < (64u << 20) && send_all(fd, chunk); sent += chunk.size()) {
  }
}

TEST(ReferenceClient, ServerThatSendsWithoutEndIsAProtocolErrorNotUnboundedMemory) {
  const std::string endless_line(64 * 1024, 'L');
  const std::string ack_flood = acks(3000);
  for (const std::string* chunk : {&endless_line, &ack_flood}) {
    ScriptedServer server([&](int fd) {
      send_all(fd, kGreeting);
      flood(fd, *chunk);
    });
    ClientConfig config = client_for(server.address());
    config.records = {"a", "b"};
    auto report = run_client(config);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, ErrorKind::kProtocol) << report.error().message;
    EXPECT_NE(report.error().message.find("and more than 4096 bytes in all"), std::string::npos)
        << report.error().message;
  }
}

TEST(ReferenceClient, RefusalWithoutGreetingIsRecognised) {
  Profile stream = *builtin_profile("stream");
  ServerConfig config = loopback_config(stream);
  config.max_connections = 1;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  Fd holder = connect_to(s.address());
  ASSERT_TRUE(send_all(holder.get(), "x"));
  EXPECT_EQ(read_exactly(holder.get(), 1), "x");  // the first client holds the one slot
  ClientConfig client = client_for(s.address());
  client.profile = stream;
  auto report = run_client(client);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kUnreachable);
  EXPECT_EQ(report.error().message,
            "refused by " + s.address().to_string() + ": the server sent 'not connect'");
}

TEST(ReferenceClient, SilentServerTimesOut) {
  ScriptedServer server([](int fd) { read_to_eof(fd); });
  ClientConfig config = client_for(server.address());
  config.timeout = 100ms;
  auto report = run_client(config);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kTimeout);
  EXPECT_EQ(report.error().message, "expected the greeting 'connect\\n', got '' and then nothing for 100 ms");
}

TEST(ReferenceClient, EscapeBytesMakesEveryByteReadable) {
  EXPECT_EQ(escape_bytes(std::string("a\r\n\t\\\0\xff", 7)), "a\\r\\n\\t\\\\\\x00\\xff");
  EXPECT_EQ(escape_bytes("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace linespec::reference
