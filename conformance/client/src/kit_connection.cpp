#include "kit_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <pthread.h>
#include <signal.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace linespec::conformance {
namespace {

Error io_error(const std::string& what) { return Error{ErrorKind::kIo, what + ": " + std::strerror(errno)}; }

harness::IoResult io_result(ssize_t n, bool reading) {
  using State = harness::IoResult::State;
  if (n > 0) return {State::kOk, static_cast<std::size_t>(n), 0};
  if (n == 0) return reading ? harness::IoResult{State::kEof, 0, 0} : harness::IoResult{State::kOk, 0, 0};
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {State::kWouldBlock, 0, 0};
  if (errno == ECONNRESET || errno == EPIPE) return {State::kReset, 0, errno};
  return {State::kError, 0, errno};
}

// write() to a pipe whose reader is gone raises SIGPIPE: block it in this thread for
// the call and swallow the one the write raised, so the process disposition stays
// the program's business.
ssize_t write_without_sigpipe(int fd, std::string_view bytes) {
  sigset_t pipe_only;
  sigset_t old_mask;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
  sigset_t pending;
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  ssize_t n = ::write(fd, bytes.data(), bytes.size());
  int saved = errno;
  if (n < 0 && saved == EPIPE && !was_pending) {
    timespec zero{};
    while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return n;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The kit's side of one accepted stream socket (tcp or unix), non-blocking.
class AcceptedConnection final : public harness::Connection {
 public:
  AcceptedConnection(Kind kind, int fd, std::string description)
      : kind_(kind), fd_(fd), description_(std::move(description)) {}
  ~AcceptedConnection() override { close_fd(fd_); }

  Kind kind() const override { return kind_; }
  std::string describe() const override { return description_; }
  int read_fd() const override { return fd_; }
  int write_fd() const override { return write_shut_ ? -1 : fd_; }

  harness::IoResult read_some(char* buffer, std::size_t capacity) override {
    if (fd_ < 0) return {harness::IoResult::State::kError, 0, EBADF};
    return io_result(::recv(fd_, buffer, capacity, 0), true);
  }
  harness::IoResult write_some(std::string_view bytes) override {
    if (fd_ < 0 || write_shut_) return {harness::IoResult::State::kError, 0, EBADF};
    return io_result(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), false);
  }
  Status shutdown_write() override {
    write_shut_ = true;
    if (fd_ >= 0 && ::shutdown(fd_, SHUT_WR) != 0 && errno != ENOTCONN) return io_error("shutdown");
    return {};
  }
  void close() override { close_fd(fd_); }
  void reset() override {
    if (fd_ < 0) return;
    // Linger 0: close() sends RST instead of FIN (a unix peer sees EOF or ECONNRESET).
    linger off{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &off, sizeof off);
    close_fd(fd_);
  }

 private:
  Kind kind_;
  int fd_;
  bool write_shut_ = false;
  std::string description_;
};

std::string peer_text(const sockaddr_storage& peer) {
  if (peer.ss_family != AF_INET) return "a unix client";
  const auto& in = reinterpret_cast<const sockaddr_in&>(peer);
  char host[INET_ADDRSTRLEN] = "?";
  ::inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
  return std::string(host) + ":" + std::to_string(ntohs(in.sin_port));
}

}  // namespace

Result<KitListener> KitListener::open_tcp() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return io_error("socket");
  KitListener listener(fd, Address{Address::Kind::kTcp, "127.0.0.1", 0, ""});
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return io_error("bind 127.0.0.1:0");
  if (::listen(fd, 16) != 0) return io_error("listen");
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return io_error("getsockname");
  listener.address_.port = ntohs(sa.sin_port);
  return listener;
}

Result<KitListener> KitListener::open_unix(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) return usage_error("unix socket path '" + path + "' is too long");
  path.copy(sa.sun_path, path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return io_error("socket");
  KitListener listener(fd, Address{Address::Kind::kUnix, "", 0, path});
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return io_error("bind " + path);
  if (::listen(fd, 16) != 0) return io_error("listen");
  return listener;
}

KitListener::KitListener(KitListener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), address_(std::move(other.address_)) {}

KitListener& KitListener::operator=(KitListener&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    address_ = std::move(other.address_);
  }
  return *this;
}

KitListener::~KitListener() { close(); }

std::unique_ptr<harness::Connection> KitListener::accept() {
  if (fd_ < 0) return nullptr;
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return nullptr;
  bool tcp = address_.kind == Address::Kind::kTcp;
  if (tcp) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  auto kind = tcp ? harness::Connection::Kind::kTcp : harness::Connection::Kind::kUnix;
  return std::make_unique<AcceptedConnection>(kind, fd, address_.to_string() + " from " + peer_text(peer));
}

void KitListener::close() {
  if (fd_ < 0) return;
  close_fd(fd_);
  if (address_.kind == Address::Kind::kUnix) ::unlink(address_.path.c_str());
}

std::string StdioConnection::describe() const {
  return "the stdin/stdout of '" + child_.command().to_string() + "' (pid " + std::to_string(child_.pid()) + ")";
}

harness::IoResult StdioConnection::read_some(char* buffer, std::size_t capacity) {
  if (read_fd() < 0) return {harness::IoResult::State::kError, 0, EBADF};
  return io_result(::read(read_fd(), buffer, capacity), true);
}

harness::IoResult StdioConnection::write_some(std::string_view bytes) {
  if (write_fd() < 0) return {harness::IoResult::State::kError, 0, EBADF};
  return io_result(write_without_sigpipe(write_fd(), bytes), false);
}

Status StdioConnection::shutdown_write() {
  child_.close_stdin();
  return {};
}

void StdioConnection::close() {
  child_.close_stdin();
  child_.close_stdout();
}

}  // namespace linespec::conformance
