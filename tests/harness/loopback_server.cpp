#include "loopback_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace linespec::harness::testing {

LoopbackServer::LoopbackServer(Family family, Handler handler) : handler_(std::move(handler)) {
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  Address address;
  if (family == Family::kUnix) {
    char pattern[] = "/tmp/lsh-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
      return;
    }
    temp_dir_ = pattern;
    address.kind = Address::Kind::kUnix;
    address.path = temp_dir_ + "/s";
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, address.path.c_str(), sizeof sa.sun_path - 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      ADD_FAILURE() << "bind " << address.path << ": " << std::strerror(errno);
      ::close(std::exchange(listen_fd_, -1));
      return;
    }
  } else {
    bool v6 = family == Family::kV6;
    listen_fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage ss{};
    socklen_t len;
    if (v6) {
      auto& sa = reinterpret_cast<sockaddr_in6&>(ss);
      sa.sin6_family = AF_INET6;
      sa.sin6_addr = in6addr_loopback;
      len = sizeof sa;
    } else {
      auto& sa = reinterpret_cast<sockaddr_in&>(ss);
      sa.sin_family = AF_INET;
      sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof sa;
    }
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
      ADD_FAILURE() << "bind: " << std::strerror(errno);
      ::close(std::exchange(listen_fd_, -1));
      return;
    }
    address.kind = Address::Kind::kTcp;
    address.host = v6 ? "::1" : "127.0.0.1";
    address.port = ntohs(v6 ? reinterpret_cast<sockaddr_in6&>(ss).sin6_port : reinterpret_cast<sockaddr_in&>(ss).sin_port);
  }
  if (::listen(listen_fd_, 16) != 0) {
    ADD_FAILURE() << "listen: " << std::strerror(errno);
    ::close(std::exchange(listen_fd_, -1));
    return;
  }
  target_ = Target::from_address(address);
  thread_ = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
  std::uint64_t one = 1;
  if (stop_fd_ >= 0) (void)::write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
  if (!temp_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }
}

void LoopbackServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handler_(fd, stop_fd_);
    ::close(fd);
  }
}

bool has_ipv6_loopback() {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

std::string read_until_end(int fd, std::string* data) {
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      if (data != nullptr) data->append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return "eof";
    if (errno == EINTR) continue;
    return std::string("error: ") + std::strerror(errno);
  }
}

void wait_for_stop(int stop_fd) {
  pollfd p{stop_fd, POLLIN, 0};
  while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace linespec::harness::testing
