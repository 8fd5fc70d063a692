// linespec-server as a program: its command line, transports, signals and exit codes.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <csignal>
#include <fstream>
#include <optional>

#include "linespec/harness/process.hpp"
#include "program_run.hpp"
#include "test_sockets.hpp"

extern char** environ;

namespace linespec::reference {
namespace {

using namespace testing;
using harness::ExitStatus;

// linespec-server with these flags, once it printed its `listening` line.
std::optional<harness::SpawnedServer> spawn(std::vector<std::string> args) {
  args.insert(args.begin(), kServerProgram);
  auto spawned = harness::spawn_server(harness::Command::program(args));
  if (!spawned) {
    ADD_FAILURE() << spawned.error().message;
    return std::nullopt;
  }
  return std::move(*spawned);
}

Received converse(const Address& address, std::string_view bytes) {
  Fd fd = connect_to(address);
  EXPECT_TRUE(fd.valid()) << address.to_string();
  EXPECT_TRUE(send_all(fd.get(), bytes));
  half_close(fd.get());
  return read_to_eof(fd.get());
}

const ExitStatus kExit0{ExitStatus::Kind::kExited, 0};
const ExitStatus kExit1{ExitStatus::Kind::kExited, 1};
const ExitStatus kExit2{ExitStatus::Kind::kExited, 2};

TEST(ReferenceServerProgram, ListensOnAnEphemeralTcpPortAndDrainsOnSigterm) {
  auto server = spawn({"--listen", "tcp:127.0.0.1:0"});
  ASSERT_TRUE(server);
  EXPECT_EQ(server->address().host, "127.0.0.1");
  EXPECT_NE(server->address().port, 0);
  EXPECT_EQ(converse(server->address(), "SOME DATA\nx\r\n").bytes, kGreeting + acks(3));

  Fd pending = connect_to(server->address());
  EXPECT_EQ(read_exactly(pending.get(), kGreeting.size()), kGreeting);
  ASSERT_TRUE(send_all(pending.get(), "a\n"));
  EXPECT_EQ(read_exactly(pending.get(), kAck.size()), kAck);  // the server has read it
  ASSERT_TRUE(send_all(pending.get(), "b\nc\n"));
  EXPECT_EQ(read_exactly(pending.get(), kAck.size()), kAck);
  server->process().terminate();
  Received rest = read_to_eof(pending.get());
  EXPECT_EQ(rest.bytes, kAck);  // owed before the signal: still sent
  EXPECT_TRUE(rest.eof);
  pending.reset();
  auto status = server->process().wait(kPatience);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(*status, kExit0);
}

TEST(ReferenceServerProgram, DefaultsToLoopbackPort10008) {
  auto help = run_program({kServerProgram, "--help"});
  EXPECT_EQ(help.status, kExit0);
  EXPECT_NE(help.out.find("tcp:127.0.0.1:10008"), std::string::npos) << help.out;
}

TEST(ReferenceServerProgram, Ipv6Loopback) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback";
  auto server = spawn({"--listen", "tcp://[::1]:0"});
  ASSERT_TRUE(server);
  EXPECT_EQ(server->address().host, "::1");
  EXPECT_EQ(converse(server->address(), "SOME DATA\n").bytes, kGreeting + kAck);
}

TEST(ReferenceServerProgram, UnixSocketIsRemovedOnExit) {
  TempDir dir;
  const std::string path = dir.file("s");
  auto server = spawn({"--listen", "unix:" + path});
  ASSERT_TRUE(server);
  EXPECT_EQ(server->address().to_string(), "unix:" + path);
  EXPECT_EQ(converse(server->address(), "a\nb").bytes, kGreeting + acks(2));
  server->process().terminate();
  auto status = server->process().wait(kPatience);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, kExit0);
  struct stat st {};
  EXPECT_NE(::lstat(path.c_str(), &st), 0);
}

TEST(ReferenceServerProgram, StdioOverPipes) {
  auto run = run_program({kServerProgram, "--stdio"}, "SOME DATA\nx\r\nabc");
  EXPECT_EQ(run.status, kExit0) << run.err;
  EXPECT_EQ(run.out, kGreeting + acks(4));
  EXPECT_EQ(run.err, "");
}

TEST(ReferenceServerProgram, StdioWithEchoProfile) {
  auto run = run_program({kServerProgram, "--stdio", "--profile", "echo"}, "hello\nworld");
  EXPECT_EQ(run.status, kExit0) << run.err;
  EXPECT_EQ(run.out, kGreeting + "hello\nworld");
}

TEST(ReferenceServerProgram, StdioOverASocketAsStdinAndStdout) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  Fd ours(pair[0]);
  Fd theirs(pair[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), 1);
  std::string program = kServerProgram;
  std::string flag = "--stdio";
  char* argv[] = {program.data(), flag.data(), nullptr};
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  theirs.reset();

  EXPECT_EQ(read_exactly(ours.get(), kGreeting.size()), kGreeting);
  ASSERT_TRUE(send_all(ours.get(), "a\n"));
  EXPECT_EQ(read_exactly(ours.get(), kAck.size()), kAck);
  ASSERT_TRUE(send_all(ours.get(), "b"));
  half_close(ours.get());
  Received rest = read_to_eof(ours.get());
  if (!rest.eof) ::kill(pid, SIGKILL);  // keeps a failing test bounded
  EXPECT_TRUE(rest.eof);
  EXPECT_EQ(rest.bytes, kAck);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(ReferenceServerProgram, MaxConnectionsRefusesWithNotConnect) {
  auto server = spawn({"--listen", "tcp:127.0.0.1:0", "--max-connections", "1"});
  ASSERT_TRUE(server);
  Fd first = connect_to(server->address());
  EXPECT_EQ(read_exactly(first.get(), kGreeting.size()), kGreeting);
  Fd second = connect_to(server->address());
  Received refused = read_to_eof(second.get());
  EXPECT_EQ(refused.bytes, "not connect\n");
  EXPECT_TRUE(refused.eof);
}

TEST(ReferenceServerProgram, IdleTimeoutClosesASilentClient) {
  auto server = spawn({"--listen", "tcp:127.0.0.1:0", "--idle-timeout", "100"});
  ASSERT_TRUE(server);
  Fd fd = connect_to(server->address());
  Received r = read_to_eof(fd.get());
  EXPECT_EQ(r.bytes, kGreeting);
  EXPECT_TRUE(r.eof || r.reset);
  EXPECT_FALSE(r.timed_out);
}

TEST(ReferenceServerProgram, SecondSignalExitsAtOnce) {
  auto server = spawn({"--listen", "tcp:127.0.0.1:0", "--drain-timeout", "60000"});
  ASSERT_TRUE(server);
  Fd idle = connect_to(server->address());  // keeps the drain waiting for its close
  EXPECT_EQ(read_exactly(idle.get(), kGreeting.size()), kGreeting);
  server->process().terminate();
  // The first signal shut the write side: the drain has begun.
  EXPECT_TRUE(read_to_eof(idle.get()).eof);
  server->process().terminate();
  auto status = server->process().wait(kPatience);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, kExit1);
}

TEST(ReferenceServerProgram, PortInUseExits2WithOneLine) {
  auto first = spawn({"--listen", "tcp:127.0.0.1:0"});
  ASSERT_TRUE(first);
  auto run = run_program({kServerProgram, "--listen", first->address().to_string()});
  EXPECT_EQ(run.status, kExit2);
  EXPECT_EQ(run.err, "linespec-server: address " + first->address().to_string() + " is already in use\n");
  EXPECT_EQ(run.out, "");
}

TEST(ReferenceServerProgram, BadUsageExits2WithOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"--bogus"},
      {"--listen", "http://x:1"},
      {"--listen", "tcp:127.0.0.1:99999"},
      {"--profile", "no-such-profile"},
      {"--threads", "0"},
      {"--max-connections", "0"},
      {"--idle-timeout", "soon"},
      {"--stdio", "--listen", "tcp:127.0.0.1:0"},
      {"extra"},
  };
  for (auto args : cases) {
    args.insert(args.begin(), kServerProgram);
    auto run = run_program(args);
    EXPECT_EQ(run.status, kExit2) << args[1];
    EXPECT_EQ(line_count(run.err), 1u) << run.err;
    EXPECT_EQ(run.err.rfind("linespec-server: ", 0), 0u) << run.err;
  }
  auto run = run_program({kServerProgram, "--profile", "nope"});
  EXPECT_NE(run.err.find("nope"), std::string::npos) << run.err;
}

TEST(ReferenceServerProgram, HelpAndVersion) {
  auto help = run_program({kServerProgram, "--help"});
  EXPECT_EQ(help.status, kExit0);
  for (const char* flag : {"--listen", "--stdio", "--profile", "--max-connections", "--idle-timeout",
                           "--threads", "Exit codes"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  auto version = run_program({kServerProgram, "--version"});
  EXPECT_EQ(version.status, kExit0);
  EXPECT_EQ(version.out, "linespec-server " LINESPEC_VERSION "\n");
}

TEST(ReferenceServerProgram, ProfileFromAFile) {
  TempDir dir;
  const std::string file = dir.file("ok.profile");
  std::ofstream(file) << "base = lf\nack-text = OK\ngreeting = hello\n";
  auto server = spawn({"--listen", "tcp:127.0.0.1:0", "--profile", file});
  ASSERT_TRUE(server);
  EXPECT_EQ(converse(server->address(), "a\rb\nc\n").bytes, "hello\nOK\nOK\n");
}

TEST(ReferenceServerProgram, SeveralThreads) {
  auto server = spawn({"--listen", "tcp:127.0.0.1:0", "--threads", "3"});
  ASSERT_TRUE(server);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(converse(server->address(), "a\n").bytes, kGreeting + kAck);
}

}  // namespace
}  // namespace linespec::reference
