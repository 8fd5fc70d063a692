#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <thread>
#include <utility>

#include "connections.hpp"
#include "fd.hpp"

namespace linespec::harness {

SocketConnection::SocketConnection(Kind kind, int fd, std::string description)
    : kind_(kind), fd_(fd), description_(std::move(description)) {}

SocketConnection::~SocketConnection() { close(); }

IoResult SocketConnection::read_some(char* buffer, std::size_t capacity) {
  if (fd_ < 0) return {IoResult::State::kError, 0, EBADF};
  for (;;) {
    ssize_t n = ::recv(fd_, buffer, capacity, 0);
    if (n > 0) return {IoResult::State::kOk, static_cast<std::size_t>(n), 0};
    if (n == 0 && reset_pending_) return {IoResult::State::kReset, 0, ECONNRESET};
    if (n == 0) return {IoResult::State::kEof, 0, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoResult::State::kWouldBlock, 0, 0};
    if (errno == ECONNRESET) return {IoResult::State::kReset, 0, errno};
    return {IoResult::State::kError, 0, errno};
  }
}

IoResult SocketConnection::write_some(std::string_view bytes) {
  if (fd_ < 0 || write_shut_) return {IoResult::State::kError, 0, EBADF};
  for (;;) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) return {IoResult::State::kOk, static_cast<std::size_t>(n), 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoResult::State::kWouldBlock, 0, 0};
    if (errno == ECONNRESET || errno == EPIPE) return {IoResult::State::kReset, 0, errno};
    return {IoResult::State::kError, 0, errno};
  }
}

Status SocketConnection::shutdown_write() {
  if (fd_ < 0) return Error{ErrorKind::kIo, "shutdown of " + description_ + ": already closed"};
  write_shut_ = true;
  if (::shutdown(fd_, SHUT_WR) != 0 && errno != ENOTCONN) {
    return Error{ErrorKind::kIo, "shutdown of " + description_ + ": " + errno_text(errno)};
  }
  return {};
}

void SocketConnection::close() { close_fd(fd_); }

void SocketConnection::reset() {
  if (fd_ < 0) return;
  // Linger 0 makes close() send RST instead of FIN. A unix socket has no RST: its
  // peer sees EOF, or ECONNRESET when replies were left unread.
  linger off{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &off, sizeof off);
  close_fd(fd_);
}

namespace {

std::string endpoint_text(const sockaddr_storage& sa) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (sa.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(sa);
    ::inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(in.sin_port));
  }
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(sa);
  ::inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
  return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6.sin6_port));
}

// Non-blocking connect to one resolved address; 0 or the errno that stopped it.
int connect_one(int fd, const sockaddr* sa, socklen_t len, Deadline deadline) {
  if (::connect(fd, sa, len) == 0) return 0;
  if (errno != EINPROGRESS && errno != EINTR) return errno;
  pollfd p{fd, POLLOUT, 0};
  int n = poll_until(&p, 1, deadline);
  if (n == 0) return ETIMEDOUT;
  if (n < 0) return errno;
  int error = 0;
  socklen_t error_len = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_len) != 0) return errno;
  return error;
}

Error cannot_connect(const Target& target, const std::string& why) {
  return Error{ErrorKind::kUnreachable, "cannot connect to " + target.to_string() + ": " + why};
}

}  // namespace

Result<std::unique_ptr<Connection>> connect_tcp(const Target& target, const ConnectOptions& options) {
  auto deadline = Clock::now() + options.timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(target.address.port);
  if (int rc = ::getaddrinfo(target.address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return cannot_connect(target, std::string("cannot resolve '") + target.address.host + "': " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  int last_error = EADDRNOTAVAIL;
  for (addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
      last_error = errno;
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    last_error = connect_one(fd.get(), ai->ai_addr, ai->ai_addrlen, deadline);
    // ECONNRESET: the server accepted, then reset at once; that is its answer, and
    // the session reports it (ECONNREFUSED is the unreachable one).
    const bool reset_at_once = last_error == ECONNRESET;
    if (last_error != 0 && !reset_at_once) continue;
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &len);
    std::string description = target.to_string() + " from " + endpoint_text(local);
    auto connection = std::make_unique<SocketConnection>(Connection::Kind::kTcp, fd.release(), std::move(description));
    if (reset_at_once) connection->reset_during_connect();
    return std::unique_ptr<Connection>(std::move(connection));
  }
  return cannot_connect(target, last_error == ETIMEDOUT ? "timed out after " + std::to_string(options.timeout.count()) + " ms"
                                                        : errno_text(last_error));
}

Result<std::unique_ptr<Connection>> connect_unix(const Target& target, const ConnectOptions& options) {
  auto deadline = Clock::now() + options.timeout;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  const std::string& path = target.address.path;
  if (path.size() >= sizeof sa.sun_path) {
    return usage_error("unix path '" + path + "' is too long (at most " + std::to_string(sizeof sa.sun_path - 1) +
                       " bytes)");
  }
  path.copy(sa.sun_path, path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return Error{ErrorKind::kIo, "socket: " + errno_text(errno)};
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) break;
    // EAGAIN: the listen backlog is full; the server may still catch up.
    if (errno != EAGAIN && errno != EINTR) return cannot_connect(target, errno_text(errno));
    if (Clock::now() >= deadline) return cannot_connect(target, "the listen backlog stayed full");
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  return std::unique_ptr<Connection>(
      std::make_unique<SocketConnection>(Connection::Kind::kUnix, fd.release(), target.to_string()));
}

}  // namespace linespec::harness
