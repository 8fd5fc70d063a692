// The reference server in-process behind an injected SyscallTable: spurious EAGAIN
// on accept and read, EINTR everywhere including close, short and refused writes on
// sockets and pipes, persistent accept errors, failing reads, and a stop while
// replies are held back by a full socket. The faults change no reply.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <string.h>

#include "linespec/reference/server.hpp"
#include "linespec/reference/syscalls.hpp"
#include "test_sockets.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

std::atomic<unsigned> g_calls{0};

bool every(unsigned n) { return ++g_calls % n == 0; }

// Spurious EAGAIN on accept and read (readiness reported, nothing there), EINTR on
// every call including close (Linux closes the descriptor anyway), one- or
// two-byte reads, writes of at most five bytes, refused writes.
const SyscallTable kSpurious{
    [](int fd, sockaddr* address, socklen_t* length, int flags) {
      if (every(2)) {
        errno = EAGAIN;
        return -1;
      }
      if (every(5)) {
        errno = EINTR;
        return -1;
      }
      return system_calls().accept4(fd, address, length, flags);
    },
    [](int fd, void* buffer, std::size_t size) -> ssize_t {
      if (every(3)) {
        errno = EAGAIN;
        return -1;
      }
      if (every(5)) {
        errno = EINTR;
        return -1;
      }
      return system_calls().read(fd, buffer, std::min<std::size_t>(size, 1 + g_calls % 2));
    },
    [](int fd, const void* buffer, std::size_t size) -> ssize_t {
      if (every(4)) {
        errno = EAGAIN;
        return -1;
      }
      if (every(5)) {
        errno = EINTR;
        return -1;
      }
      return system_calls().write(fd, buffer, std::min<std::size_t>(size, 5));
    },
    [](int fd, const void* buffer, std::size_t size, int flags) -> ssize_t {
      if (every(4)) {
        errno = EAGAIN;
        return -1;
      }
      if (every(5)) {
        errno = EINTR;
        return -1;
      }
      return system_calls().send(fd, buffer, std::min<std::size_t>(size, 5), flags);
    },
    [](int fd) {
      system_calls().close(fd);
      errno = EINTR;
      return -1;
    },
    [](int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
      if (every(7)) {
        errno = EINTR;
        return -1;
      }
      return system_calls().epoll_wait(epoll_fd, events, max_events, timeout_ms);
    },
};

// What every profile must answer to `sent`, then half-close.
std::string expected_replies(const Profile& p, const std::string& sent, std::size_t records) {
  return p.greeting_line() + (p.reply == ReplyKind::kAck ? repeat(p.ack_line(), records) : sent);
}

TEST(ReliabilitySyscalls, SpuriousWakeupsInterruptsAndShortIoChangeNoReplyOnAnyTransport) {
  TempDir dir;
  const std::string sent = repeat("SOME DATA\nx\r\n", 20) + std::string(1100, 'A') + "\nabc";
  const std::size_t records = 20 * 3 + 2 + 1;
  for (const char* name : {"seed", "echo", "stream"}) {
    for (const char* listen : {"tcp:127.0.0.1:0", "unix:"}) {
      SCOPED_TRACE(std::string(name) + " " + listen);
      ServerConfig config = loopback_config(*builtin_profile(name));
      if (std::string(listen) == "unix:") config.listen = *parse_address("unix:" + dir.file("s"));
      config.syscalls = &kSpurious;
      config.threads = 3;
      RunningServer s(config);
      ASSERT_TRUE(s.started()) << s.started().error().message;
      // Several clients at once, over several workers.
      std::vector<std::thread> clients;
      for (int c = 0; c < 6; ++c) {
        clients.emplace_back([&] {
          Fd fd = connect_to(s.address());
          ASSERT_TRUE(fd.valid());
          std::thread writer([&] {
            send_all(fd.get(), sent);
            half_close(fd.get());
          });
          Received r = read_to_eof(fd.get());
          writer.join();
          EXPECT_TRUE(r.eof);
          EXPECT_EQ(r.bytes, expected_replies(config.profile, sent, records));
        });
      }
      for (auto& client : clients) client.join();
      EXPECT_TRUE(s.stop());
    }
  }
}

TEST(ReliabilitySyscalls, StdioPipesWithShortAndRefusedWritesChangeNoReply) {
  std::signal(SIGPIPE, SIG_IGN);
  const std::string sent = repeat("line\r\n", 500) + "tail";
  for (const char* name : {"seed", "echo"}) {
    SCOPED_TRACE(name);
    Pipe to_server;
    Pipe from_server;
    ServerConfig config;
    config.profile = *builtin_profile(name);
    config.stdio = true;
    config.stdio_in = to_server.read_end.get();
    config.stdio_out = from_server.write_end.get();
    config.syscalls = &kSpurious;
    RunningServer s(config);
    ASSERT_TRUE(s.started()) << s.started().error().message;
    (void)to_server.read_end.release();  // the server owns these ends now
    (void)from_server.write_end.release();
    std::thread writer([&] {
      std::string_view rest = sent;
      while (!rest.empty()) {
        ssize_t n = ::write(to_server.write_end.get(), rest.data(), rest.size());
        if (n <= 0) break;
        rest.remove_prefix(static_cast<std::size_t>(n));
      }
      to_server.write_end.reset();
    });
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(from_server.read_end.get(), buffer, sizeof buffer)) > 0;) {
      out.append(buffer, static_cast<std::size_t>(n));
    }
    writer.join();
    EXPECT_EQ(out, expected_replies(config.profile, sent, 1001));
    EXPECT_TRUE(s.join());
  }
}

std::atomic<unsigned> g_accept_calls{0};

TEST(ReliabilitySyscalls, PersistentAcceptErrorsPauseAcceptingInsteadOfSpinning) {
  // Errors accept4 may keep returning while a client waits in the backlog.
  static std::atomic<int> g_error{0};
  static const SyscallTable kAcceptFails{
      [](int fd, sockaddr* address, socklen_t* length, int flags) {
        ++g_accept_calls;
        if (g_error.load() == 0) return system_calls().accept4(fd, address, length, flags);
        errno = g_error.load();
        return -1;
      },
      system_calls().read, system_calls().write, system_calls().send, system_calls().close,
      system_calls().epoll_wait,
  };
  // Out of descriptors (per process, system-wide), out of memory, and errors that
  // are no fault of the waiting client.
  for (int error : {EMFILE, ENFILE, ENOBUFS, ENOMEM, EPERM, EINVAL}) {
    SCOPED_TRACE(std::strerror(error));
    g_error = error;
    g_accept_calls = 0;
    ServerConfig config = loopback_config();
    config.syscalls = &kAcceptFails;
    RunningServer s(config);
    ASSERT_TRUE(s.started());
    Fd waiting = connect_to(s.address());
    ASSERT_TRUE(waiting.valid());
    EXPECT_TRUE(read_from(waiting.get(), 1, 300ms).timed_out);
    // 100 ms pauses: about four attempts in 300 ms, not hundreds of thousands.
    EXPECT_LE(g_accept_calls.load(), 8u);
    EXPECT_GE(g_accept_calls.load(), 1u);
    // The error clears (descriptors were freed): the waiting client is served.
    g_error = 0;
    EXPECT_EQ(read_exactly(waiting.get(), kGreeting.size()), kGreeting);
    ASSERT_TRUE(send_all(waiting.get(), "a\n"));
    half_close(waiting.get());
    EXPECT_EQ(read_to_eof(waiting.get()).bytes, kAck);
    EXPECT_TRUE(s.stop());
  }
}

bool contains(const void* buffer, std::size_t size, std::string_view word) {
  return ::memmem(buffer, size, word.data(), word.size()) != nullptr;
}

TEST(ReliabilitySyscalls, AFailingReadOrSendDropsThatClientOnly) {
  // A read that brings "FAIL-READ", or a send carrying "FAIL-SEND" (echo profile),
  // fails with a hard error, as a broken connection would.
  static std::atomic<int> g_error{0};
  static const SyscallTable kVictim{
      system_calls().accept4,
      [](int fd, void* buffer, std::size_t size) -> ssize_t {
        ssize_t n = system_calls().read(fd, buffer, size);
        if (n > 0 && contains(buffer, static_cast<std::size_t>(n), "FAIL-READ")) {
          errno = g_error.load();
          return -1;
        }
        return n;
      },
      system_calls().write,
      [](int fd, const void* buffer, std::size_t size, int flags) -> ssize_t {
        if (contains(buffer, size, "FAIL-SEND")) {
          errno = g_error.load();
          return -1;
        }
        return system_calls().send(fd, buffer, size, flags);
      },
      system_calls().close, system_calls().epoll_wait,
  };
  ServerConfig config = loopback_config(*builtin_profile("echo"));
  config.syscalls = &kVictim;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  for (const char* trigger : {"FAIL-READ\n", "FAIL-SEND\n"}) {
    for (int error : {EIO, ENOMEM, ECONNRESET, EPIPE, ETIMEDOUT}) {
      SCOPED_TRACE(std::string(trigger) + std::strerror(error));
      g_error = error;
      Fd bystander = connect_to(s.address());
      EXPECT_EQ(read_exactly(bystander.get(), kGreeting.size()), kGreeting);
      Fd victim = connect_to(s.address());
      EXPECT_EQ(read_exactly(victim.get(), kGreeting.size()), kGreeting);
      ASSERT_TRUE(send_all(victim.get(), trigger));
      Received dropped = read_to_eof(victim.get());
      EXPECT_FALSE(dropped.timed_out) << "the server kept a broken connection";
      EXPECT_EQ(dropped.bytes, "");
      ASSERT_TRUE(send_all(bystander.get(), "b\n"));
      half_close(bystander.get());
      Received served = read_to_eof(bystander.get());
      EXPECT_EQ(served.bytes, "b\n");
      EXPECT_TRUE(served.eof);
    }
  }
  EXPECT_TRUE(s.stop());
}

// A socket that takes nothing (send refuses with EAGAIN) while `g_full` is set;
// every read and event-loop turn is counted, so a test can wait for them.
std::mutex g_mutex;
std::condition_variable g_changed;
bool g_full = false;
std::size_t g_bytes_read = 0;
std::size_t g_loop_turns = 0;
bool g_server_done = false;

const SyscallTable kFullSocket{
    system_calls().accept4,
    [](int fd, void* buffer, std::size_t size) -> ssize_t {
      ssize_t n = system_calls().read(fd, buffer, size);
      if (n > 0) {
        std::lock_guard lock(g_mutex);
        g_bytes_read += static_cast<std::size_t>(n);
      }
      g_changed.notify_all();
      return n;
    },
    system_calls().write,
    [](int fd, const void* buffer, std::size_t size, int flags) -> ssize_t {
      bool full;
      {
        std::lock_guard lock(g_mutex);
        full = g_full;
      }
      if (full) {
        // The real socket stays writable, so the loop comes straight back here:
        // the pause keeps it from spinning while the test waits.
        std::this_thread::sleep_for(1ms);
        errno = EAGAIN;
        return -1;
      }
      return system_calls().send(fd, buffer, size, flags);
    },
    system_calls().close,
    [](int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
      {
        std::lock_guard lock(g_mutex);
        ++g_loop_turns;
      }
      g_changed.notify_all();
      return system_calls().epoll_wait(epoll_fd, events, max_events, timeout_ms);
    },
};

template <typename Predicate>
bool wait_until(Predicate predicate) {
  std::unique_lock lock(g_mutex);
  return g_changed.wait_for(lock, kPatience, predicate);
}

TEST(ReliabilitySyscalls, StopDeliversRepliesStillHeldByTheServer) {
  {
    std::lock_guard lock(g_mutex);
    g_full = true;
    g_bytes_read = 0;
    g_server_done = false;
  }
  ServerConfig config = loopback_config();
  config.syscalls = &kFullSocket;
  Server server(config);
  ASSERT_TRUE(server.start());
  Status result;
  std::thread loop([&] {
    result = server.run();
    {
      std::lock_guard lock(g_mutex);
      g_server_done = true;
    }
    g_changed.notify_all();
  });
  Fd fd = connect_to(server.address());
  ASSERT_TRUE(fd.valid());
  const std::size_t records = 1000;
  ASSERT_TRUE(send_all(fd.get(), repeat("r\n", records) + "partial"));
  const std::size_t sent = 2 * records + 7;
  EXPECT_TRUE(wait_until([&] { return g_bytes_read == sent; }));
  // The greeting and every reply are still in the server when the stop comes;
  // two turns of the loop later it has seen the stop (or it has ended).
  server.stop();
  std::size_t turns = 0;
  {
    std::lock_guard lock(g_mutex);
    turns = g_loop_turns;
  }
  EXPECT_TRUE(wait_until([&] { return g_loop_turns >= turns + 2 || g_server_done; }));
  {
    std::lock_guard lock(g_mutex);
    g_full = false;
  }
  Received r = read_to_eof(fd.get());
  EXPECT_TRUE(r.eof);
  // The fragment is no record: the stop answers only what was framed.
  EXPECT_EQ(r.bytes.size(), kGreeting.size() + records * kAck.size());
  EXPECT_EQ(r.bytes, kGreeting + acks(records));
  fd.reset();
  loop.join();
  EXPECT_TRUE(result);
}

// The event loop of every worker but the first (which runs on the thread that
// called run()) fails: the whole server ends with the error rather than going on
// with a dead worker whose listener would take clients and never serve them.
std::thread::id g_first_worker;
std::atomic<unsigned> g_failed_loops{0};

TEST(ReliabilitySyscalls, AnyWorkerWhoseEventLoopFailsEndsTheServer) {
  static const SyscallTable kOtherWorkersFail{
      system_calls().accept4, system_calls().read, system_calls().write, system_calls().send,
      system_calls().close,
      [](int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
        if (std::this_thread::get_id() != g_first_worker) {
          ++g_failed_loops;
          errno = EBADF;
          return -1;
        }
        return system_calls().epoll_wait(epoll_fd, events, max_events, timeout_ms);
      },
  };
  g_failed_loops = 0;
  ServerConfig config = loopback_config();
  config.syscalls = &kOtherWorkersFail;
  config.threads = 3;
  Server server(config);
  ASSERT_TRUE(server.start());
  std::mutex mutex;
  std::condition_variable returned;
  bool done = false;
  Status result;
  std::thread loop([&] {
    g_first_worker = std::this_thread::get_id();
    Status r = server.run();
    std::lock_guard lock(mutex);
    result = r;
    done = true;
    returned.notify_all();
  });
  bool ended = false;
  {
    std::unique_lock lock(mutex);
    ended = returned.wait_for(lock, kPatience, [&] { return done; });
  }
  if (!ended) server.stop();  // the first worker was still serving alone: end the test
  loop.join();
  EXPECT_TRUE(ended) << "run() went on with " << g_failed_loops.load() << " failed event loops";
  EXPECT_EQ(g_failed_loops.load(), 2u);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kIo);
  EXPECT_NE(result.error().message.find("epoll_wait"), std::string::npos) << result.error().message;
}

}  // namespace
}  // namespace linespec::reference
