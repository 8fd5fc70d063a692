// Blocking-with-deadline socket helpers for the reference tests: a raw client that
// connects, sends, half-closes, resets and reads with a bound, a server run on
// its own thread, temp dirs for unix sockets. Test code only; one thread per object.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "linespec/protocol/address.hpp"
#include "linespec/reference/server.hpp"
#include "linespec_test/temp_dir.hpp"

namespace linespec::reference::testing {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Bound on every wait; only a failing test ever reaches it.
constexpr milliseconds kPatience = 5000ms;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Connects (blocking); invalid Fd on failure.
// A pipe for a stdio server: it reads read_end of one and writes write_end of another.
class Pipe {
 public:
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      read_end = Fd(fds[0]);
      write_end = Fd(fds[1]);
    }
  }
  Fd read_end;
  Fd write_end;
};

inline Fd connect_to(const Address& address) {
  if (address.kind == Address::Kind::kUnix) {
    sockaddr_un target{};
    target.sun_family = AF_UNIX;
    std::strncpy(target.sun_path, address.path.c_str(), sizeof target.sun_path - 1);
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) return Fd();
    return fd;
  }
  bool v6 = address.host.find(':') != std::string::npos;
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (v6) {
    auto& in6 = reinterpret_cast<sockaddr_in6&>(storage);
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(address.port);
    ::inet_pton(AF_INET6, address.host.c_str(), &in6.sin6_addr);
    length = sizeof in6;
  } else {
    auto& in4 = reinterpret_cast<sockaddr_in&>(storage);
    in4.sin_family = AF_INET;
    in4.sin_port = htons(address.port);
    ::inet_pton(AF_INET, address.host.c_str(), &in4.sin_addr);
    length = sizeof in4;
  }
  Fd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) return Fd();
  return fd;
}

// To a socket or a pipe (a pipe with no reader raises SIGPIPE: tests on pipes ignore it).
inline bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct Received {
  std::string bytes;
  bool eof = false;        // the peer closed (FIN)
  bool reset = false;      // ECONNRESET
  bool timed_out = false;  // nothing new for the whole wait
};

// Reads a socket or a pipe until `want` bytes arrived (0 = until EOF), the peer
// closed, or nothing arrived for `quiet`.
inline Received read_from(int fd, std::size_t want = 0, milliseconds quiet = kPatience) {
  Received r;
  char buffer[65536];
  while (want == 0 || r.bytes.size() < want) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(quiet.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      r.timed_out = true;
      break;
    }
    std::size_t room = want == 0 ? sizeof buffer : std::min(sizeof buffer, want - r.bytes.size());
    ssize_t n = ::read(fd, buffer, room);
    if (n > 0) {
      r.bytes.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      r.eof = true;
      break;
    } else if (errno != EINTR) {
      r.reset = errno == ECONNRESET;
      break;
    }
  }
  return r;
}

inline std::string read_exactly(int fd, std::size_t n) {
  return n == 0 ? std::string() : read_from(fd, n).bytes;
}
inline Received read_to_eof(int fd) { return read_from(fd, 0); }

inline void half_close(int fd) { ::shutdown(fd, SHUT_WR); }

// Closes with SO_LINGER 0: the peer gets an RST.
inline void reset_connection(Fd& fd) {
  linger l{1, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
  fd.reset();
}

inline std::string repeat(std::string_view text, std::size_t n) {
  std::string out;
  out.reserve(text.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += text;
  return out;
}

inline const std::string kGreeting = "connect\n";
inline const std::string kAck = "Information Received\n";
inline std::string acks(std::size_t n) { return repeat(kAck, n); }

using linespec::testing::TempDir;

inline bool ipv6_loopback_available() {
  Fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

// A Server started in-process and run on its own thread; stopped (drained) and
// joined on destruction.
class RunningServer {
 public:
  explicit RunningServer(ServerConfig config) : server_(std::move(config)) {
    started_ = server_.start();
    if (started_) thread_ = std::thread([this] { result_ = server_.run(); });
  }
  ~RunningServer() { stop(); }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  const Status& started() const { return started_; }
  const Address& address() const { return server_.address(); }
  Server& server() { return server_; }
  // Stops the server and waits for run() to return; its result.
  const Status& stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
    return result_;
  }
  // Waits for run() to return without stopping it (stdio sessions end by themselves).
  const Status& join() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  Server server_;
  Status started_;
  Status result_;
  std::thread thread_;
};

inline ServerConfig loopback_config(Profile profile = Profile{}) {
  ServerConfig config;
  config.listen = Address{Address::Kind::kTcp, "127.0.0.1", 0, ""};
  config.profile = std::move(profile);
  return config;
}

}  // namespace linespec::reference::testing
