// The client command (which placeholders choose which transport, substitution), the
// limits derived from T, and the registry of client cases.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "linespec/conformance/client/case.hpp"
#include "linespec/conformance/client/command.hpp"
#include "linespec/conformance/client/session.hpp"

namespace linespec::conformance {
namespace {

TEST(ClientCommand, PortMeansTcpAndPathMeansUnix) {
  auto tcp = parse_client_command("client {host} {port}", false);
  ASSERT_TRUE(tcp) << tcp.error().message;
  EXPECT_EQ(tcp->transport, ClientTransport::kTcp);
  auto unix_socket = parse_client_command("client --connect unix:{path}", false);
  ASSERT_TRUE(unix_socket) << unix_socket.error().message;
  EXPECT_EQ(unix_socket->transport, ClientTransport::kUnix);
  auto stdio = parse_client_command("client --stdio", true);
  ASSERT_TRUE(stdio) << stdio.error().message;
  EXPECT_EQ(stdio->transport, ClientTransport::kStdio);
}

TEST(ClientCommand, SubstitutesEveryPlaceholderAndLeavesOtherBracesAlone) {
  auto tcp = parse_client_command("c {host}:{port} {port} '{x}'", false);
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->line_for(Address{Address::Kind::kTcp, "127.0.0.1", 4242, ""}), "c 127.0.0.1:4242 4242 '{x}'");
  auto unix_socket = parse_client_command("c unix:{path}", false);
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->line_for(Address{Address::Kind::kUnix, "", 0, "/tmp/d/s"}), "c unix:/tmp/d/s");
}

// A shell waiting for its child keeps a copy of the child's stdout: a simple stdio
// command runs with exec so that the client's close of stdout reaches the kit.
TEST(ClientCommand, AStdioCommandRunsInTheShellsPlaceWhenItIsOneSimpleCommand) {
  auto line_for = [](const char* text) {
    auto command = parse_client_command(text, true);
    EXPECT_TRUE(command) << text;
    return command ? command->line_for(Address{}) : std::string();
  };
  EXPECT_EQ(line_for("python3 'my client.py' --stdio"), "exec python3 'my client.py' --stdio");
  EXPECT_EQ(line_for("  ./client 2>log"), "exec   ./client 2>log");
  for (const char* compound : {"cd dir && ./client", "a; b", "a | b", "(a)", "FOO=1 client", "exec client",
                               "client $(args)", "python3 -c 'print(1)'"}) {
    EXPECT_EQ(line_for(compound), compound);
  }
}

TEST(ClientCommand, RejectsCommandsThatCannotFindTheKit) {
  for (auto [text, stdio] : {std::pair<const char*, bool>{"client", false},
                            {"", false},
                            {"   ", true},
                            {"client {port} {path}", false},
                            {"client {host} {path}", false},
                            {"client {port}", true},
                            {"client {host}", true}}) {
    auto command = parse_client_command(text, stdio);
    ASSERT_FALSE(command) << "'" << text << "' stdio=" << stdio;
    EXPECT_EQ(command.error().kind, ErrorKind::kUsage);
  }
}

TEST(ClientLimits, DeriveFromTheTimeout) {
  using std::chrono::milliseconds;
  EXPECT_EQ(kill_bound(milliseconds(5000)), milliseconds(7500));
  EXPECT_EQ(slow_pause(milliseconds(5000)), milliseconds(500));
  EXPECT_EQ(quiet_period(milliseconds(5000)), milliseconds(100));
  EXPECT_EQ(quiet_period(milliseconds(200)), milliseconds(20));
}

TEST(ClientRegistry, HasAtLeastTwentyCasesWithUniqueIdsAndClientRequirements) {
  ClientRegistry registry = client_registry();
  EXPECT_GE(registry.cases().size(), 20u);
  std::set<std::string> ids;
  for (const ClientCase& c : registry.cases()) {
    EXPECT_TRUE(ids.insert(c.info.id).second) << c.info.id;
    EXPECT_EQ(c.info.requirement[0], 'C') << c.info.id << " names " << c.info.requirement;
    EXPECT_TRUE(c.run) << c.info.id;
  }
  auto greeting = registry.select({"greeting"});
  ASSERT_TRUE(greeting);
  EXPECT_GE(greeting->size(), 5u);
  EXPECT_FALSE(registry.select({"no-such-case"}));
}

}  // namespace
}  // namespace linespec::conformance
