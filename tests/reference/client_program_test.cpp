// linespec-client as a program, against the reference server run in-process.
#include <gtest/gtest.h>

#include "program_run.hpp"
#include "test_sockets.hpp"

namespace linespec::reference {
namespace {

using namespace testing;
using harness::ExitStatus;

const ExitStatus kExit0{ExitStatus::Kind::kExited, 0};
const ExitStatus kExit1{ExitStatus::Kind::kExited, 1};
const ExitStatus kExit2{ExitStatus::Kind::kExited, 2};
const ExitStatus kExit3{ExitStatus::Kind::kExited, 3};

TEST(ReferenceClientProgram, SendsSomeDataAndPrintsTheReply) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  auto run = run_program({kClientProgram, "--connect", s.address().to_string()});
  EXPECT_EQ(run.status, kExit0) << run.err;
  EXPECT_EQ(run.out, kAck);
  EXPECT_EQ(run.err, "");
}

TEST(ReferenceClientProgram, SendsTheRecordsGivenAsArguments) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  std::string address = s.address().to_string();
  auto run = run_program({kClientProgram, "--connect", address, "one", "two", "three"});
  EXPECT_EQ(run.status, kExit0) << run.err;
  EXPECT_EQ(run.out, acks(3));
}

TEST(ReferenceClientProgram, ReadsRecordsFromStdin) {
  RunningServer s(loopback_config(*builtin_profile("echo")));
  ASSERT_TRUE(s.started());
  auto run = run_program(
      {kClientProgram, "--connect", s.address().to_string(), "--profile", "echo", "--stdin"},
      "alpha\nbeta\n");
  EXPECT_EQ(run.status, kExit0) << run.err;
  EXPECT_EQ(run.out, "alpha\nbeta\n");
}

TEST(ReferenceClientProgram, UnixSocket) {
  TempDir dir;
  ServerConfig config = loopback_config();
  config.listen = *parse_address("unix:" + dir.file("s"));
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  auto run = run_program({kClientProgram, "--connect", "unix://" + dir.file("s")});
  EXPECT_EQ(run.status, kExit0) << run.err;
  EXPECT_EQ(run.out, kAck);
}

TEST(ReferenceClientProgram, ServerAtItsCapExits3) {
  ServerConfig config = loopback_config();
  config.max_connections = 1;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  Fd holder = connect_to(s.address());
  EXPECT_EQ(read_exactly(holder.get(), kGreeting.size()), kGreeting);
  auto run = run_program({kClientProgram, "--connect", s.address().to_string()});
  EXPECT_EQ(run.status, kExit3);
  EXPECT_EQ(run.err, "linespec-client: refused by " + s.address().to_string() +
                         ": the server sent 'not connect'\n");
  EXPECT_EQ(run.out, "");
}

TEST(ReferenceClientProgram, UnreachableExits3) {
  Address address;
  {
    RunningServer s(loopback_config());
    ASSERT_TRUE(s.started());
    address = s.address();
  }
  auto run = run_program({kClientProgram, "--connect", address.to_string()});
  EXPECT_EQ(run.status, kExit3);
  EXPECT_EQ(run.err, "linespec-client: cannot connect to " + address.to_string() + ": Connection refused\n");
  TempDir dir;
  auto missing = run_program({kClientProgram, "--connect", "unix:" + dir.file("none")});
  EXPECT_EQ(missing.status, kExit3);
  EXPECT_EQ(line_count(missing.err), 1u);
}

TEST(ReferenceClientProgram, WrongProfileIsAProtocolErrorExit1) {
  RunningServer s(loopback_config());
  ASSERT_TRUE(s.started());
  auto run = run_program({kClientProgram, "--connect", s.address().to_string(), "--profile", "echo"});
  EXPECT_EQ(run.status, kExit1);
  EXPECT_EQ(run.err,
            "linespec-client: expected the bytes sent back, 'SOME DATA\\n', got 'Information Received\\n'\n");
}

TEST(ReferenceClientProgram, BadUsageExits2WithOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {"--connect", "tcp:localhost"},
      {"--connect", "ftp://x:1"},
      {"--timeout", "0"},
      {"--timeout", "abc"},
      {"--profile", "no-such-profile"},
      {"--stdin", "record"},
  };
  for (auto args : cases) {
    args.insert(args.begin(), kClientProgram);
    auto run = run_program(args);
    EXPECT_EQ(run.status, kExit2) << args[1];
    EXPECT_EQ(line_count(run.err), 1u) << run.err;
    EXPECT_EQ(run.err.rfind("linespec-client: ", 0), 0u) << run.err;
  }
}

TEST(ReferenceClientProgram, HelpAndVersion) {
  auto help = run_program({kClientProgram, "--help"});
  EXPECT_EQ(help.status, kExit0);
  for (const char* text : {"--connect", "--timeout", "--stdin", "--profile", "Exit codes"}) {
    EXPECT_NE(help.out.find(text), std::string::npos) << text;
  }
  auto version = run_program({kClientProgram, "--version"});
  EXPECT_EQ(version.status, kExit0);
  EXPECT_EQ(version.out, "linespec-client " LINESPEC_VERSION "\n");
}

}  // namespace
}  // namespace linespec::reference
