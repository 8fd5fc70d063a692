// The seam between the reference server and the kernel: every accept4, read,
// write, send, close and epoll_wait the server makes goes through one of these
// function pointers, so tests can inject EINTR, EAGAIN, short reads and short
// writes. Immutable after setup; any thread may call through it.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>

namespace linespec::reference {

struct SyscallTable {
  int (*accept4)(int fd, sockaddr* address, socklen_t* length, int flags);
  ssize_t (*read)(int fd, void* buffer, std::size_t size);
  ssize_t (*write)(int fd, const void* buffer, std::size_t size);            // pipes
  ssize_t (*send)(int fd, const void* buffer, std::size_t size, int flags);  // sockets
  int (*close)(int fd);
  int (*epoll_wait)(int epoll_fd, epoll_event* events, int max_events, int timeout_ms);
};

// The real system calls.
const SyscallTable& system_calls() noexcept;

}  // namespace linespec::reference
