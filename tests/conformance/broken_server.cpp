#include "broken_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace linespec::conformance::testing {
namespace {

constexpr std::string_view kGreeting = "connect\n";
constexpr std::string_view kAck = "Information Received\n";
constexpr std::size_t kMaxRecord = 1024;

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Waits until `fd` is readable or the server stops; false when it stops.
bool wait_readable(int fd, int stop_fd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0) {
    if (errno != EINTR) return false;
  }
  return (fds[1].revents & POLLIN) == 0;
}

}  // namespace

BrokenServer::BrokenServer(Bug bug) : bug_(bug) {
  if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) return;
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listen_fd_, 16) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return;
  }
  target_ = "tcp:127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  acceptor_ = std::thread([this] { accept_loop(); });
}

BrokenServer::~BrokenServer() {
  if (stop_pipe_[1] >= 0) (void)!::write(stop_pipe_[1], "x", 1);
  if (acceptor_.joinable()) acceptor_.join();
  for (std::thread& t : connections_) t.join();
  for (int fd : {listen_fd_, stop_pipe_[0], stop_pipe_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

void BrokenServer::accept_loop() {
  while (wait_readable(listen_fd_, stop_pipe_[0])) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void BrokenServer::serve(int fd) {
  if (bug_ != Bug::kNoGreeting) write_all(fd, kGreeting);
  std::size_t record_length = 0;  // kNoGreeting frames correctly: cr,lf and 1024 bytes
  char buffer[4096];
  while (wait_readable(fd, stop_pipe_[0])) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (bug_ == Bug::kEachReadIsARecord) {
      if (!write_all(fd, kAck)) break;
      continue;
    }
    std::string replies;
    for (char byte : std::string_view(buffer, static_cast<std::size_t>(n))) {
      ++record_length;
      if (byte == '\r' || byte == '\n' || record_length == kMaxRecord) {
        replies += kAck;
        record_length = 0;
      }
    }
    if (!write_all(fd, replies)) break;
  }
  if (bug_ == Bug::kNoGreeting && record_length > 0) write_all(fd, kAck);  // the final fragment
  ::close(fd);
}

}  // namespace linespec::conformance::testing
