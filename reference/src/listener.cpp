#include "listener.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace linespec::reference::detail {
namespace {

class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Error listen_error(const Address& address, int error) {
  if (error == EADDRINUSE) return usage_error("address " + address.to_string() + " is already in use");
  return usage_error("cannot listen on " + address.to_string() + ": " + std::strerror(error));
}

void close_all(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

Result<std::string> numeric_host(const sockaddr_storage& storage) {
  char text[INET6_ADDRSTRLEN] = {};
  const void* raw = storage.ss_family == AF_INET6
                        ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr)
                        : static_cast<const void*>(&reinterpret_cast<const sockaddr_in&>(storage).sin_addr);
  if (::inet_ntop(storage.ss_family, raw, text, sizeof text) == nullptr) {
    int error = errno;
    return Error{ErrorKind::kIo, std::string("inet_ntop: ") + std::strerror(error)};
  }
  return std::string(text);
}

}  // namespace

Result<Listeners> open_tcp_listeners(const Address& address, unsigned count) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  if (int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return usage_error("cannot resolve host '" + address.host + "' in address " + address.to_string() +
                       ": " + ::gai_strerror(rc));
  }
  sockaddr_storage target{};
  std::memcpy(&target, found->ai_addr, found->ai_addrlen);
  socklen_t target_length = found->ai_addrlen;
  ::freeaddrinfo(found);

  Listeners result;
  for (unsigned i = 0; i < count; ++i) {
    FdGuard fd(::socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) {
      close_all(result.fds);
      return listen_error(address, errno);
    }
    int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (count > 1) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    if (target.ss_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&target), target_length) != 0 ||
        ::listen(fd.get(), SOMAXCONN) != 0) {
      int error = errno;
      close_all(result.fds);
      return listen_error(address, error);
    }
    if (i == 0) {
      // Later listeners share the port the first one got (port 0 picks one).
      socklen_t length = sizeof target;
      if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&target), &length) != 0) {
        int error = errno;
        close_all(result.fds);
        return listen_error(address, error);
      }
      target_length = length;
      auto host = numeric_host(target);
      if (!host) {
        close_all(result.fds);
        return host.error();
      }
      result.bound.kind = Address::Kind::kTcp;
      result.bound.host = *host;
      result.bound.port = ntohs(target.ss_family == AF_INET6
                                    ? reinterpret_cast<const sockaddr_in6&>(target).sin6_port
                                    : reinterpret_cast<const sockaddr_in&>(target).sin_port);
    }
    result.fds.push_back(fd.release());
  }
  return result;
}

Result<Listeners> open_unix_listener(const Address& address) {
  sockaddr_un target{};
  target.sun_family = AF_UNIX;
  if (address.path.size() >= sizeof target.sun_path) {
    return usage_error("unix socket path too long in address " + address.to_string());
  }
  std::memcpy(target.sun_path, address.path.c_str(), address.path.size() + 1);

  struct stat existing {};
  if (::lstat(address.path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      return usage_error("cannot listen on " + address.to_string() + ": '" + address.path +
                         "' exists and is not a socket");
    }
    // A socket file nobody accepts on is left over from a server that died: replace it.
    FdGuard probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (probe.get() >= 0) {
      if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0) {
        return listen_error(address, EADDRINUSE);
      }
      if (errno == ECONNREFUSED) ::unlink(address.path.c_str());
    }
  }

  FdGuard fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return listen_error(address, errno);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
    return listen_error(address, errno);
  }
  Listeners result;
  result.bound = address;
  struct stat created {};
  if (::lstat(address.path.c_str(), &created) == 0) {
    result.device = created.st_dev;
    result.inode = created.st_ino;
  }
  if (::listen(fd.get(), SOMAXCONN) != 0) {
    int error = errno;
    remove_unix_socket(result);
    return listen_error(address, error);
  }
  result.fds.push_back(fd.release());
  return result;
}

void remove_unix_socket(const Listeners& listeners) {
  if (listeners.bound.kind != Address::Kind::kUnix || listeners.inode == 0) return;
  struct stat now {};
  if (::lstat(listeners.bound.path.c_str(), &now) == 0 && now.st_dev == listeners.device &&
      now.st_ino == listeners.inode) {
    ::unlink(listeners.bound.path.c_str());
  }
}

}  // namespace linespec::reference::detail
