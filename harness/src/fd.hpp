// Small POSIX pieces shared by the harness sources (not installed): an owning fd,
// errno text, poll with a deadline. Any thread.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include <poll.h>
#include <unistd.h>

namespace linespec::harness {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

inline std::string errno_text(int error) { return std::strerror(error); }

// Closes *fd if open and sets it to -1.
inline void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool set_nonblocking(int fd);

// Milliseconds until `deadline`, rounded up, at least 0, for poll().
int poll_timeout_ms(std::chrono::steady_clock::time_point deadline);

// poll() that restarts on EINTR with the time left. Returns poll's result.
int poll_until(pollfd* fds, nfds_t count, std::chrono::steady_clock::time_point deadline);

}  // namespace linespec::harness
