#include <gtest/gtest.h>

#include "linespec/protocol/address.hpp"

namespace linespec {
namespace {

TEST(Address, TcpInBothSpellings) {
  for (const char* text : {"tcp:127.0.0.1:10008", "tcp://127.0.0.1:10008"}) {
    auto a = parse_address(text);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->kind, Address::Kind::kTcp);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 10008);
    EXPECT_EQ(a->to_string(), "tcp:127.0.0.1:10008");
  }
}

TEST(Address, Ipv6LiteralInBrackets) {
  auto a = parse_address("tcp://[::1]:0");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 0);
  EXPECT_EQ(a->to_string(), "tcp:[::1]:0");
  EXPECT_EQ(*parse_address(a->to_string()), *a);
}

TEST(Address, UnixPath) {
  auto a = parse_address("unix:/tmp/x.sock");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, Address::Kind::kUnix);
  EXPECT_EQ(a->path, "/tmp/x.sock");
  EXPECT_EQ(parse_address("unix:///tmp/x.sock")->path, "/tmp/x.sock");
  EXPECT_EQ(a->to_string(), "unix:/tmp/x.sock");
  // A path that itself starts with "//" prints with the "//" that parsing strips.
  auto b = parse_address("unix:////x");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "//x");
  EXPECT_EQ(b->to_string(), "unix:////x");
}

TEST(Address, ErrorsNameTheInput) {
  struct Bad {
    const char* text;
    const char* message;
  };
  for (auto [text, message] : {
           Bad{"http://x:1", "bad address 'http://x:1': want tcp:HOST:PORT, tcp://HOST:PORT or unix:PATH"},
           Bad{"tcp:localhost", "bad address 'tcp:localhost': want tcp:HOST:PORT"},
           Bad{"tcp::80", "bad address 'tcp::80': empty host"},
           Bad{"tcp:h:65536", "bad port '65536' in address 'tcp:h:65536' (want 0-65535)"},
           Bad{"tcp:h:", "bad port '' in address 'tcp:h:' (want 0-65535)"},
           Bad{"tcp:h:8o", "bad port '8o' in address 'tcp:h:8o' (want 0-65535)"},
           Bad{"tcp:::1:80", "bad address 'tcp:::1:80': put an IPv6 host in brackets, as tcp:[::1]:PORT"},
           Bad{"tcp:[::1]80", "bad address 'tcp:[::1]80': want tcp:[IPV6]:PORT"},
           Bad{"unix:", "bad address 'unix:': empty unix path"},
           Bad{"tcp:///x:1", "bad address 'tcp:///x:1': host '/x' is not a host name or IP address"},
           Bad{"tcp:a b:1", "bad address 'tcp:a b:1': host 'a b' is not a host name or IP address"},
           Bad{"tcp:[::1/8]:1", "bad address 'tcp:[::1/8]:1': host '::1/8' is not a host name or IP address"},
           Bad{"tcp:[localhost]:1", "bad address 'tcp:[localhost]:1': only an IPv6 address goes in brackets"},
           Bad{"tcp:[a%b]:1", "bad address 'tcp:[a%b]:1': only an IPv6 address goes in brackets"},
       }) {
    auto a = parse_address(text);
    ASSERT_FALSE(a) << text;
    EXPECT_EQ(a.error().kind, ErrorKind::kUsage);
    EXPECT_EQ(a.error().message, message);
  }
}

TEST(Address, ErrorsStayOnOneLine) {
  auto a = parse_address("tcp:h:x\r");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "bad port 'x\\r' in address 'tcp:h:x\\r' (want 0-65535)");
  auto b = parse_address("tcp:h\n:1");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, "bad address 'tcp:h\\n:1': host 'h\\n' is not a host name or IP address");
}

}  // namespace
}  // namespace linespec
