#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "linespec/harness/process.hpp"
#include "linespec/harness/transport.hpp"

namespace linespec::harness {
namespace {

using namespace std::chrono_literals;

ProcessOptions piped_stdout() {
  ProcessOptions o;
  o.stdout_mode = StreamMode::kPipe;
  o.stderr_mode = StreamMode::kCapture;
  return o;
}

TEST(ChildProcess, ReportsTheExitCode) {
  auto child = ChildProcess::start(Command::shell("exit 3"));
  ASSERT_TRUE(child) << child.error().message;
  auto status = child->wait(5s);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(*status, (ExitStatus{ExitStatus::Kind::kExited, 3}));
  EXPECT_EQ(status->to_string(), "exit 3");
  EXPECT_FALSE(status->success());
}

TEST(ChildProcess, RunsArgvWithoutAShell) {
  auto child = ChildProcess::start(Command::program({"sh", "-c", "echo \"$0 $1\"", "a b", "$HOME"}), piped_stdout());
  ASSERT_TRUE(child) << child.error().message;
  auto line = child->read_line(5s);
  ASSERT_TRUE(line) << line.error().message;
  EXPECT_EQ(*line, "a b $HOME");
  EXPECT_TRUE(child->wait(5s)->success());
}

TEST(ChildProcess, RunsTheShellLineExactlyAsTyped) {
  auto child = ChildProcess::start(Command::shell("printf '%s|' one 'two three'; echo"), piped_stdout());
  ASSERT_TRUE(child);
  EXPECT_EQ(*child->read_line(5s), "one|two three|");
}

TEST(ChildProcess, AMissingProgramIsUnreachable) {
  auto child = ChildProcess::start(Command::program({"/nonexistent/linespec-no-such-program"}));
  ASSERT_FALSE(child);
  EXPECT_EQ(child.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(child.error().message.find("/nonexistent/linespec-no-such-program"), std::string::npos);
}

TEST(ChildProcess, ReadLineKeepsTheRestForTheNextCall) {
  auto child = ChildProcess::start(Command::shell("printf 'listening tcp:127.0.0.1:1\\nsecond\\nthird'"), piped_stdout());
  ASSERT_TRUE(child);
  EXPECT_EQ(*child->read_line(5s), "listening tcp:127.0.0.1:1");
  EXPECT_EQ(*child->read_line(5s), "second");
  auto third = child->read_line(5s);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().kind, ErrorKind::kIo);  // EOF before a newline
  EXPECT_EQ(child->drain_stdout(), "third");
}

TEST(ChildProcess, ReadLineTimesOut) {
  auto child = ChildProcess::start(Command::shell("sleep 30"), piped_stdout());
  ASSERT_TRUE(child);
  auto start = Clock::now();
  auto line = child->read_line(100ms);
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().kind, ErrorKind::kTimeout);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(ChildProcess, WaitTimesOutThenKillEndsItWithTheSignal) {
  auto child = ChildProcess::start(Command::shell("sleep 30"));
  ASSERT_TRUE(child);
  auto early = child->wait(50ms);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().kind, ErrorKind::kTimeout);
  child->kill();
  auto status = child->wait(5s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, (ExitStatus{ExitStatus::Kind::kSignaled, SIGKILL}));
  EXPECT_NE(status->to_string().find("signal 9"), std::string::npos);
}

TEST(ChildProcess, StopSendsSigtermFirst) {
  auto child = ChildProcess::start(Command::program({"sleep", "30"}));
  ASSERT_TRUE(child);
  EXPECT_EQ(child->stop(5s), (ExitStatus{ExitStatus::Kind::kSignaled, SIGTERM}));
}

TEST(ChildProcess, CapturesStderrWithoutBlockingTheChild) {
  // 200 KiB of stderr would fill a pipe nobody reads; the capture file never does.
  auto child = ChildProcess::start(
      Command::shell("i=0; while [ $i -lt 2000 ]; do echo 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'; i=$((i+1)); done >&2; echo oops >&2; exit 2"),
      piped_stdout());
  ASSERT_TRUE(child);
  auto status = child->wait(20s);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->code, 2);
  EXPECT_EQ(child->captured_stderr(5), "oops\n");
}

// Whether any process of group `pgid` is alive (zombies waiting for init don't count).
bool group_alive(pid_t pgid) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid pgrp ...; comm may hold spaces, so parse after ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    char state = 0;
    pid_t ppid = 0;
    pid_t pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z' && state != 'X') return true;
  }
  return false;
}

TEST(ChildProcess, DestructorKillsAndReapsTheWholeGroup) {
  pid_t pid = -1;
  {
    auto child = ChildProcess::start(Command::shell("sleep 30 & echo started; sleep 30; wait"), piped_stdout());
    ASSERT_TRUE(child);
    ASSERT_EQ(*child->read_line(5s), "started");
    pid = child->pid();
    EXPECT_TRUE(group_alive(pid));
  }
  // The child itself is reaped at once: not even a zombie is left.
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  // SIGKILL reaches the rest of the group asynchronously; bounded wait.
  auto deadline = Clock::now() + 5s;
  while (group_alive(pid) && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(group_alive(pid));
}

// The descriptors this process hands to any child: 0-2 and whatever it inherited
// without O_CLOEXEC.
std::string inheritable_fds() {
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = std::stoi(entry.path().filename().string());
    if (fd > 2 && ::fcntl(fd, F_GETFD) < 0) continue;  // the directory listing itself
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0 && (fd <= 2 || (flags & FD_CLOEXEC) == 0)) fds.push_back(fd);
  }
  std::sort(fds.begin(), fds.end());
  std::string out;
  for (int fd : fds) out += std::to_string(fd) + " ";
  return out;
}

std::string fds_of(pid_t pid) {
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    fds.push_back(std::stoi(entry.path().filename().string()));
  }
  std::sort(fds.begin(), fds.end());
  std::string out;
  for (int fd : fds) out += std::to_string(fd) + " ";
  return out;
}

TEST(ChildProcess, TheChildInheritsNoDescriptorOfTheHarness) {
  // Pipes, capture file and pidfd are all O_CLOEXEC: the child has only its standard
  // streams (and what the test runner itself left inheritable).
  ProcessOptions options;
  options.stdin_mode = StreamMode::kPipe;
  options.stdout_mode = StreamMode::kPipe;
  options.stderr_mode = StreamMode::kCapture;
  auto child = ChildProcess::start(Command::program({"sh", "-c", "echo ready; sleep 30"}), options);
  ASSERT_TRUE(child);
  // Once it speaks, its exec (which closes O_CLOEXEC fds) is surely complete.
  ASSERT_EQ(*child->read_line(5s), "ready");
  EXPECT_EQ(fds_of(child->pid()), inheritable_fds());
}

TEST(ChildProcess, MoveKeepsOneOwner) {
  auto child = ChildProcess::start(Command::shell("sleep 30"));
  ASSERT_TRUE(child);
  pid_t pid = child->pid();
  ChildProcess moved = std::move(*child);
  EXPECT_EQ(moved.pid(), pid);
  EXPECT_EQ(child->pid(), -1);
  moved.kill();
  EXPECT_EQ(moved.wait(5s)->code, SIGKILL);
}

std::string tiny_server() { return HARNESS_TINY_SERVER; }

TEST(SpawnServer, ReadsTheListeningLine) {
  auto server = spawn_server(Command::program({tiny_server(), "tcp:127.0.0.1:0"}));
  ASSERT_TRUE(server) << server.error().message;
  EXPECT_EQ(server->address().host, "127.0.0.1");
  EXPECT_NE(server->address().port, 0);
  auto c = connect(Target::from_address(server->address()));
  ASSERT_TRUE(c) << c.error().message;
  auto deadline = Clock::now() + 5s;
  ASSERT_TRUE((*c)->write_all("ping", deadline));
  EXPECT_EQ(*(*c)->read(4, deadline), "ping");
}

TEST(SpawnServer, AServerThatExitsIsUnreachableWithItsStatusAndStderr) {
  auto server = spawn_server(Command::shell("echo 'cannot bind' >&2; exit 2"));
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(server.error().message.find("exit 2"), std::string::npos) << server.error().message;
  EXPECT_NE(server.error().message.find("cannot bind"), std::string::npos) << server.error().message;
}

TEST(SpawnServer, AWrongLineIsUnreachable) {
  auto server = spawn_server(Command::shell("echo hello; sleep 30"));
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(server.error().message.find("printed 'hello' instead of 'listening ADDRESS'"), std::string::npos)
      << server.error().message;
}

TEST(SpawnServer, ASilentServerTimesOut) {
  SpawnOptions options;
  options.timeout = 200ms;
  auto start = Clock::now();
  auto server = spawn_server(Command::shell("sleep 30"), options);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(server.error().message.find("within 200 ms"), std::string::npos) << server.error().message;
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(SpawnServer, PortPlaceholderGetsAFreePortAndWaitsForAccept) {
  auto server = spawn_server_with_placeholder("sleep 0.2; exec " + tiny_server() + " tcp:127.0.0.1:{port}");
  ASSERT_TRUE(server) << server.error().message;
  EXPECT_EQ(server->address().kind, Address::Kind::kTcp);
  auto c = connect(Target::from_address(server->address()));
  ASSERT_TRUE(c) << c.error().message;
}

TEST(SpawnServer, PathPlaceholderGetsAFreshSocketPathThatIsRemovedAfterwards) {
  std::string dir;
  {
    auto server = spawn_server_with_placeholder(tiny_server() + " unix:{path}");
    ASSERT_TRUE(server) << server.error().message;
    ASSERT_EQ(server->address().kind, Address::Kind::kUnix);
    EXPECT_LT(server->address().path.size(), 100u);
    dir = std::filesystem::path(server->address().path).parent_path();
    auto c = connect(Target::from_address(server->address()));
    ASSERT_TRUE(c) << c.error().message;
  }
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
}

TEST(SpawnServer, PlaceholderCommandThatExitsIsUnreachable) {
  auto server = spawn_server_with_placeholder("echo 'port {port} taken' >&2; exit 2");
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(server.error().message.find("taken"), std::string::npos) << server.error().message;
}

TEST(SpawnServer, PlaceholderCommandThatNeverAcceptsTimesOut) {
  SpawnOptions options;
  options.timeout = 200ms;
  auto server = spawn_server_with_placeholder("sleep 30 # {port}", options);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kUnreachable);
  EXPECT_NE(server.error().message.find("did not accept"), std::string::npos) << server.error().message;
}

TEST(SpawnServer, ACommandWithoutPlaceholderIsAUsageError) {
  auto server = spawn_server_with_placeholder("server --port 80");
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().kind, ErrorKind::kUsage);
  EXPECT_NE(server.error().message.find("{port} or {path}"), std::string::npos);
}

}  // namespace
}  // namespace linespec::harness
