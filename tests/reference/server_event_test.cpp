// The event loop makes no system call it knows is useless: it never reads when a
// read could only return EAGAIN (not even right after the greeting), and after a
// write blocked it writes again only once epoll_wait has reported the output
// writable. Watched through a SyscallTable that logs every read, write and wait.
#include <gtest/gtest.h>

#include <condition_variable>
#include <csignal>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "linespec/reference/server.hpp"
#include "linespec/reference/syscalls.hpp"
#include "test_sockets.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

enum class Call { kReadData, kReadBlocked, kReadOther, kWrote, kWriteBlocked, kWait };

std::mutex g_mutex;
std::condition_variable g_changed;
std::vector<Call> g_calls;

void log_call(Call call) {
  {
    std::lock_guard lock(g_mutex);
    g_calls.push_back(call);
  }
  g_changed.notify_all();
}

Call classify_read(ssize_t n) {
  if (n > 0) return Call::kReadData;
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? Call::kReadBlocked : Call::kReadOther;
}

Call classify_write(ssize_t n) {
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? Call::kWriteBlocked : Call::kWrote;
}

const SyscallTable kLogged{
    system_calls().accept4,
    [](int fd, void* buffer, std::size_t size) -> ssize_t {
      ssize_t n = system_calls().read(fd, buffer, size);
      int error = errno;
      log_call(classify_read(n));
      errno = error;
      return n;
    },
    [](int fd, const void* buffer, std::size_t size) -> ssize_t {
      ssize_t n = system_calls().write(fd, buffer, size);
      int error = errno;
      log_call(classify_write(n));
      errno = error;
      return n;
    },
    [](int fd, const void* buffer, std::size_t size, int flags) -> ssize_t {
      ssize_t n = system_calls().send(fd, buffer, size, flags);
      int error = errno;
      log_call(classify_write(n));
      errno = error;
      return n;
    },
    system_calls().close,
    [](int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
      int n = system_calls().epoll_wait(epoll_fd, events, max_events, timeout_ms);
      int error = errno;
      log_call(Call::kWait);
      errno = error;
      return n;
    },
};

std::vector<Call> take_log() {
  std::lock_guard lock(g_mutex);
  return std::exchange(g_calls, {});
}

std::size_t count(const std::vector<Call>& calls, Call which) {
  std::size_t n = 0;
  for (Call call : calls) n += call == which ? 1 : 0;
  return n;
}

// A stdio server on two pipes, with the logging seam. Returns the server; the test
// writes to `to_server` and reads `from_server`.
ServerConfig stdio_config(Pipe& to_server, Pipe& from_server) {
  ServerConfig config;
  config.stdio = true;
  config.stdio_in = to_server.read_end.get();
  config.stdio_out = from_server.write_end.get();
  config.syscalls = &kLogged;
  return config;
}

TEST(ReferenceServerEvents, NoReadThatCouldOnlyReturnEagainOverPipes) {
  std::signal(SIGPIPE, SIG_IGN);
  take_log();
  Pipe to_server;
  Pipe from_server;
  RunningServer s(stdio_config(to_server, from_server));
  ASSERT_TRUE(s.started()) << s.started().error().message;
  (void)to_server.read_end.release();  // the server owns its ends now
  (void)from_server.write_end.release();
  const int in = to_server.write_end.get();
  const int out = from_server.read_end.get();

  EXPECT_EQ(read_exactly(out, kGreeting.size()), kGreeting);
  ASSERT_TRUE(send_all(in, "one\n"));
  EXPECT_EQ(read_exactly(out, kAck.size()), kAck);
  ASSERT_TRUE(send_all(in, "tw"));  // a record in two writes, then two records in one
  ASSERT_TRUE(send_all(in, "o\nthree\n"));
  EXPECT_EQ(read_exactly(out, 2 * kAck.size()), acks(2));
  to_server.write_end.reset();
  Received rest = read_to_eof(out);
  EXPECT_EQ(rest.bytes, "");
  EXPECT_TRUE(rest.eof);
  EXPECT_TRUE(s.join());

  const std::vector<Call> calls = take_log();
  EXPECT_EQ(count(calls, Call::kReadBlocked), 0u);
  EXPECT_GE(count(calls, Call::kReadData), 2u);
}

TEST(ReferenceServerEvents, NoReadThatCouldOnlyReturnEagainOverTcp) {
  take_log();
  ServerConfig config = loopback_config();
  config.syscalls = &kLogged;
  RunningServer s(config);
  ASSERT_TRUE(s.started()) << s.started().error().message;
  Fd client = connect_to(s.address());
  ASSERT_TRUE(client.valid());
  EXPECT_EQ(read_exactly(client.get(), kGreeting.size()), kGreeting);
  ASSERT_TRUE(send_all(client.get(), "one\n"));
  EXPECT_EQ(read_exactly(client.get(), kAck.size()), kAck);
  ASSERT_TRUE(send_all(client.get(), "two\nthree\n"));
  EXPECT_EQ(read_exactly(client.get(), 2 * kAck.size()), acks(2));
  half_close(client.get());
  EXPECT_TRUE(read_to_eof(client.get()).eof);
  EXPECT_TRUE(s.stop());

  const std::vector<Call> calls = take_log();
  EXPECT_EQ(count(calls, Call::kReadBlocked), 0u);
}

TEST(ReferenceServerEvents, ABlockedWriteIsRetriedOnlyAfterEpollReportsTheOutput) {
  std::signal(SIGPIPE, SIG_IGN);
  take_log();
  Pipe to_server;
  Pipe from_server;
  // One page: the 21 000 bytes of replies block the server's writes again and again.
  ASSERT_GT(::fcntl(from_server.write_end.get(), F_SETPIPE_SZ, 4096), 0);
  RunningServer s(stdio_config(to_server, from_server));
  ASSERT_TRUE(s.started()) << s.started().error().message;
  (void)to_server.read_end.release();
  (void)from_server.write_end.release();
  constexpr std::size_t kRecords = 1000;
  ASSERT_TRUE(send_all(to_server.write_end.get(), repeat("x\n", kRecords)));
  to_server.write_end.reset();
  {
    // Reading starts only once a write has blocked, so that one certainly did.
    std::unique_lock lock(g_mutex);
    ASSERT_TRUE(g_changed.wait_for(lock, kPatience, [] {
      for (Call call : g_calls) {
        if (call == Call::kWriteBlocked) return true;
      }
      return false;
    })) << "no write blocked";
  }
  std::string replies;
  char buffer[100];  // small reads: the pipe fills up again and again
  for (ssize_t n; (n = ::read(from_server.read_end.get(), buffer, sizeof buffer)) > 0;) {
    replies.append(buffer, static_cast<std::size_t>(n));
  }
  EXPECT_TRUE(s.join());
  EXPECT_EQ(replies, kGreeting + acks(kRecords));

  const std::vector<Call> calls = take_log();
  bool blocked = false;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i] == Call::kWait) blocked = false;
    if (calls[i] == Call::kWrote || calls[i] == Call::kWriteBlocked) {
      ASSERT_FALSE(blocked) << "call " << i << " writes again after a blocked write, with no epoll_wait between";
      blocked = calls[i] == Call::kWriteBlocked;
    }
  }
  EXPECT_GE(count(calls, Call::kWriteBlocked), 1u);
  EXPECT_EQ(count(calls, Call::kReadBlocked), 0u);
}

}  // namespace
}  // namespace linespec::reference
