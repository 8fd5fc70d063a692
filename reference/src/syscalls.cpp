#include "linespec/reference/syscalls.hpp"

#include <unistd.h>

namespace linespec::reference {

const SyscallTable& system_calls() noexcept {
  static const SyscallTable table{
      [](int fd, sockaddr* address, socklen_t* length, int flags) {
        return ::accept4(fd, address, length, flags);
      },
      [](int fd, void* buffer, std::size_t size) { return ::read(fd, buffer, size); },
      [](int fd, const void* buffer, std::size_t size) { return ::write(fd, buffer, size); },
      [](int fd, const void* buffer, std::size_t size, int flags) {
        return ::send(fd, buffer, size, flags);
      },
      [](int fd) { return ::close(fd); },
      [](int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
        return ::epoll_wait(epoll_fd, events, max_events, timeout_ms);
      },
  };
  return table;
}

}  // namespace linespec::reference
