#include <gtest/gtest.h>

#include "linespec/harness/target.hpp"

namespace linespec::harness {
namespace {

TEST(Target, ParsesEveryForm) {
  auto tcp = parse_target("tcp://127.0.0.1:10008");
  ASSERT_TRUE(tcp) << tcp.error().message;
  EXPECT_EQ(tcp->kind, Target::Kind::kTcp);
  EXPECT_EQ(tcp->address.port, 10008);
  EXPECT_EQ(tcp->to_string(), "tcp:127.0.0.1:10008");

  auto v6 = parse_target("tcp:[::1]:80");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address.host, "::1");
  EXPECT_EQ(v6->to_string(), "tcp:[::1]:80");

  auto unix_socket = parse_target("unix:/tmp/x/s");
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->kind, Target::Kind::kUnix);
  EXPECT_EQ(unix_socket->address.path, "/tmp/x/s");

  auto exec = parse_target("exec:cat -u");
  ASSERT_TRUE(exec);
  EXPECT_EQ(exec->kind, Target::Kind::kExec);
  EXPECT_EQ(exec->command, "cat -u");
  EXPECT_EQ(exec->to_string(), "exec:cat -u");
}

TEST(Target, RoundTripsThroughItsText) {
  for (const char* text : {"tcp:127.0.0.1:1", "tcp:[::1]:65535", "unix:/a/b", "exec:sh -c 'x y'"}) {
    auto target = parse_target(text);
    ASSERT_TRUE(target) << text;
    EXPECT_EQ(*parse_target(target->to_string()), *target);
  }
}

TEST(Target, ErrorsAreUsageErrorsNamingTheText) {
  for (const char* text : {"exec:", "exec:  ", "tcp:127.0.0.1:0", "http://x:1", "tcp:h:99999"}) {
    auto target = parse_target(text);
    ASSERT_FALSE(target) << text;
    EXPECT_EQ(target.error().kind, ErrorKind::kUsage);
    EXPECT_NE(target.error().message.find(std::string(text).substr(0, 6)), std::string::npos)
        << target.error().message;
  }
}

}  // namespace
}  // namespace linespec::harness
