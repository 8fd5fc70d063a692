// The server through an injected SyscallTable: interrupted calls, one-byte reads,
// short and refused writes, accept running out of descriptors, a failing epoll.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>

#include "linespec/reference/server.hpp"
#include "linespec/reference/syscalls.hpp"
#include "test_sockets.hpp"

namespace linespec::reference {
namespace {

using namespace testing;

std::atomic<unsigned> g_calls{0};
std::atomic<unsigned> g_accept_failures{0};
std::atomic<unsigned> g_accept_calls{0};
std::atomic<unsigned> g_epoll_calls_left{0};

bool interrupt_now() {
  if (++g_calls % 3 != 0) return false;
  errno = EINTR;
  return true;
}

// Every third call is interrupted; reads deliver one byte, writes at most three,
// and every seventh write finds the buffer full.
const SyscallTable kFlaky{
    [](int fd, sockaddr* address, socklen_t* length, int flags) {
      if (interrupt_now()) return -1;
      return system_calls().accept4(fd, address, length, flags);
    },
    [](int fd, void* buffer, std::size_t size) -> ssize_t {
      if (interrupt_now()) return -1;
      return system_calls().read(fd, buffer, std::min<std::size_t>(size, 1));
    },
    [](int fd, const void* buffer, std::size_t size) -> ssize_t {
      if (interrupt_now()) return -1;
      return system_calls().write(fd, buffer, std::min<std::size_t>(size, 3));
    },
    [](int fd, const void* buffer, std::size_t size, int flags) -> ssize_t {
      if (interrupt_now()) return -1;
      if (g_calls % 7 == 0) {
        errno = EAGAIN;
        return -1;
      }
      return system_calls().send(fd, buffer, std::min<std::size_t>(size, 3), flags);
    },
    [](int fd) { return system_calls().close(fd); },
    [](int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
      if (interrupt_now()) return -1;
      return system_calls().epoll_wait(epoll_fd, events, max_events, timeout_ms);
    },
};

TEST(ReferenceServerFaults, InterruptedCallsAndShortReadsAndWritesChangeNoReply) {
  for (const char* name : {"seed", "echo", "stream"}) {
    Profile p = *builtin_profile(name);
    ServerConfig config = loopback_config(p);
    config.syscalls = &kFlaky;
    RunningServer s(config);
    ASSERT_TRUE(s.started());
    const std::string sent = repeat("SOME DATA\nx\r\n", 200) + std::string(1500, 'A') + "\nabc";
    Fd fd = connect_to(s.address());
    ASSERT_TRUE(fd.valid());
    EXPECT_EQ(read_exactly(fd.get(), p.greeting_line().size()), p.greeting_line());
    std::thread writer([&] {
      send_all(fd.get(), sent);
      half_close(fd.get());
    });
    Received r = read_to_eof(fd.get());
    writer.join();
    EXPECT_TRUE(r.eof) << name;
    EXPECT_EQ(r.bytes, p.reply == ReplyKind::kAck ? acks(200 * 3 + 3) : sent) << name;
    EXPECT_TRUE(s.stop()) << name;
  }
}

TEST(ReferenceServerFaults, AcceptOutOfDescriptorsPausesAndKeepsServing) {
  g_accept_failures = 3;
  g_accept_calls = 0;
  static const SyscallTable kNoDescriptors{
      [](int fd, sockaddr* address, socklen_t* length, int flags) {
        ++g_accept_calls;
        if (g_accept_failures > 0) {
          --g_accept_failures;
          errno = EMFILE;
          return -1;
        }
        return system_calls().accept4(fd, address, length, flags);
      },
      system_calls().read, system_calls().write, system_calls().send, system_calls().close,
      system_calls().epoll_wait,
  };
  ServerConfig config = loopback_config();
  config.syscalls = &kNoDescriptors;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  auto begin = std::chrono::steady_clock::now();
  Fd fd = connect_to(s.address());
  ASSERT_TRUE(fd.valid());
  // The client waits in the backlog while accepting pauses, then is served.
  EXPECT_EQ(read_exactly(fd.get(), kGreeting.size()), kGreeting);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 250ms);
  // A pause per failure, not a busy loop retrying accept.
  EXPECT_LE(g_accept_calls.load(), 8u);
  ASSERT_TRUE(send_all(fd.get(), "a\n"));
  EXPECT_EQ(read_exactly(fd.get(), kAck.size()), kAck);
}

TEST(ReferenceServerFaults, FailingEventLoopEndsRunWithAnIoError) {
  g_epoll_calls_left = 2;
  static const SyscallTable kBrokenEpoll{
      system_calls().accept4, system_calls().read, system_calls().write, system_calls().send,
      system_calls().close,
      [](int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
        if (g_epoll_calls_left == 0) {
          errno = EBADF;
          return -1;
        }
        --g_epoll_calls_left;
        return system_calls().epoll_wait(epoll_fd, events, max_events,
                                         timeout_ms < 0 ? 10 : std::min(timeout_ms, 10));
      },
  };
  ServerConfig config = loopback_config();
  config.syscalls = &kBrokenEpoll;
  RunningServer s(config);
  ASSERT_TRUE(s.started());
  const Status& result = s.join();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kIo);
  EXPECT_NE(result.error().message.find("epoll_wait"), std::string::npos);
}

}  // namespace
}  // namespace linespec::reference
