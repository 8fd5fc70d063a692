#include "fd.hpp"

#include <fcntl.h>

namespace linespec::harness {

bool set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

int poll_timeout_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = deadline - std::chrono::steady_clock::now();
  if (left <= left.zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(ms);
}

int poll_until(pollfd* fds, nfds_t count, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int n = ::poll(fds, count, poll_timeout_ms(deadline));
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace linespec::harness
