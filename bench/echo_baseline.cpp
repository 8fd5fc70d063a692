// linespec-echo-baseline: the smallest byte-echo server epoll allows, the ceiling that the
// reference server's linespec-bench figures are compared with. One thread per core, each with
// its own epoll and (TCP) its own SO_REUSEPORT listener; a connection lives on the thread that
// accepted it. Level-triggered: read, send back what fits, hold the rest and stop reading from
// that client until it has drained. No greeting and no framing: the `stream` profile.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "linespec/protocol/address.hpp"

namespace {

constexpr std::size_t kReadBuffer = 64 * 1024;
constexpr int kReadsPerEvent = 16;  // then let the other clients of this thread have a turn

struct EchoConnection {
  int fd = -1;
  std::vector<char> pending;  // bytes read but not yet sent back
  std::size_t pending_sent = 0;
  bool peer_closed = false;  // EOF seen: close once pending is drained
  std::size_t slot = 0;      // index in the owning thread's list
};

std::string errno_text(int err) { return std::strerror(err); }

// One listener per thread for TCP (the kernel spreads connections across them); a unix socket
// has one listener that every thread watches with EPOLLEXCLUSIVE.
struct Listeners {
  std::vector<int> fds;
  bool shared = false;
  linespec::Address bound;
};

int listen_tcp_socket(const sockaddr* sa, socklen_t len, std::string& error) {
  int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "socket: " + errno_text(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (bind(fd, sa, len) != 0 || listen(fd, SOMAXCONN) != 0) {
    error = errno_text(errno);
    close(fd);
    return -1;
  }
  return fd;
}

bool open_tcp(const linespec::Address& address, unsigned threads, Listeners& out, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  if (int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    error = "cannot resolve " + address.host + ": " + gai_strerror(rc);
    return false;
  }
  sockaddr_storage sa{};
  socklen_t len = static_cast<socklen_t>(found->ai_addrlen);
  std::memcpy(&sa, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  out.bound = address;
  for (unsigned i = 0; i < threads; ++i) {
    int fd = listen_tcp_socket(reinterpret_cast<sockaddr*>(&sa), len, error);
    if (fd < 0) return false;
    out.fds.push_back(fd);
    if (i == 0) {  // port 0: the later listeners join the port the first one got
      getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
      out.bound.port = ntohs(sa.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port
                                                     : reinterpret_cast<sockaddr_in*>(&sa)->sin_port);
    }
  }
  return true;
}

bool open_unix(const linespec::Address& address, Listeners& out, std::string& error) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (address.path.size() >= sizeof sa.sun_path) {
    error = "unix socket path too long";
    return false;
  }
  std::memcpy(sa.sun_path, address.path.c_str(), address.path.size() + 1);
  struct stat st{};
  if (lstat(address.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(address.path.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(fd, SOMAXCONN) != 0) {
    error = errno_text(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  out.fds.push_back(fd);
  out.shared = true;
  out.bound = address;
  return true;
}

class EchoThread {
 public:
  EchoThread(int listener, bool shared_listener, int stop_fd)
      : listener_(listener), shared_listener_(shared_listener), stop_fd_(stop_fd) {}
  ~EchoThread() {
    for (EchoConnection* c : connections_) {
      close(c->fd);
      delete c;
    }
    if (epoll_ >= 0) close(epoll_);
    if (spare_fd_ >= 0) close(spare_fd_);
  }
  EchoThread(const EchoThread&) = delete;
  EchoThread& operator=(const EchoThread&) = delete;

  void run() {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
    watch(listener_, EPOLLIN | (shared_listener_ ? EPOLLEXCLUSIVE : 0u), &listener_);
    watch(stop_fd_, EPOLLIN, &stop_fd_);
    std::array<epoll_event, 256> events{};
    for (;;) {
      int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      for (int i = 0; i < n; ++i) {
        void* tag = events[i].data.ptr;
        if (tag == &stop_fd_) return;
        if (tag == &listener_) {
          accept_all();
        } else {
          serve(static_cast<EchoConnection*>(tag), events[i].events);
        }
      }
    }
  }

 private:
  void watch(int fd, std::uint32_t events, void* tag) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = tag;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }

  void rewatch(EchoConnection* c, std::uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = c;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c->fd, &ev);
  }

  void accept_all() {
    for (;;) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
          // Out of descriptors: accept with the spare one and drop the client, so the listener
          // does not stay readable and spin.
          close(spare_fd_);
          int dropped = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
          if (dropped >= 0) close(dropped);
          spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
          continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN: another thread took it, or the backlog is empty
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on unix
      auto* c = new EchoConnection{fd, {}, 0, false, connections_.size()};
      connections_.push_back(c);
      watch(fd, EPOLLIN, c);
    }
  }

  void serve(EchoConnection* c, std::uint32_t events) {
    if (!c->pending.empty()) {
      if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
      if (!drain(c)) return drop(c);
      if (!c->pending.empty()) return;
      if (c->peer_closed) return drop(c);
      rewatch(c, EPOLLIN);
    }
    for (int reads = 0; reads < kReadsPerEvent; ++reads) {
      ssize_t got = read(c->fd, buffer_.data(), buffer_.size());
      if (got == 0) {
        c->peer_closed = true;
        if (c->pending.empty()) drop(c);
        return;
      }
      if (got < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) drop(c);
        return;
      }
      ssize_t sent = send(c->fd, buffer_.data(), static_cast<std::size_t>(got), MSG_NOSIGNAL);
      if (sent < 0 && errno != EAGAIN) return drop(c);
      std::size_t done = sent < 0 ? 0 : static_cast<std::size_t>(sent);
      if (done < static_cast<std::size_t>(got)) {
        // The client reads slower than it writes: keep the rest and stop reading until it drains.
        c->pending.assign(buffer_.data() + done, buffer_.data() + got);
        c->pending_sent = 0;
        rewatch(c, EPOLLOUT);
        return;
      }
    }
  }

  // Sends what the socket takes; false when the connection failed.
  static bool drain(EchoConnection* c) {
    while (c->pending_sent < c->pending.size()) {
      ssize_t sent = send(c->fd, c->pending.data() + c->pending_sent, c->pending.size() - c->pending_sent,
                          MSG_NOSIGNAL);
      if (sent < 0) return errno == EAGAIN || errno == EINTR;
      c->pending_sent += static_cast<std::size_t>(sent);
    }
    c->pending.clear();
    c->pending_sent = 0;
    return true;
  }

  void drop(EchoConnection* c) {
    close(c->fd);  // also removes it from the epoll set
    connections_[c->slot] = connections_.back();
    connections_[c->slot]->slot = c->slot;
    connections_.pop_back();
    delete c;
  }

  int listener_;
  bool shared_listener_;
  int stop_fd_;
  int epoll_ = -1;
  int spare_fd_ = -1;
  std::vector<EchoConnection*> connections_;
  std::array<char, kReadBuffer> buffer_{};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Raw epoll byte-echo server: the loopback ceiling that linespec-bench compares servers with"};
  std::string listen_text = "tcp:127.0.0.1:0";
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--listen", listen_text, "tcp:HOST:PORT, tcp://HOST:PORT or unix:PATH (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--threads", threads, "event loop threads, one per core by default")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  app.set_version_flag("--version", std::string("linespec-echo-baseline ") + LINESPEC_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  auto address = linespec::parse_address(listen_text);
  if (!address) {
    std::cerr << "linespec-echo-baseline: " << address.error().message << "\n";
    return 2;
  }
  // Signals go to a sigwait() in main, never to a handler; the threads learn through an eventfd.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Listeners listeners;
  std::string error;
  bool ok = address->kind == linespec::Address::Kind::kTcp ? open_tcp(*address, threads, listeners, error)
                                                          : open_unix(*address, listeners, error);
  if (!ok) {
    std::cerr << "linespec-echo-baseline: cannot listen on " << address->to_string() << ": " << error << "\n";
    return 2;
  }
  int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::vector<std::unique_ptr<EchoThread>> loops;
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i) {
    int listener = listeners.shared ? listeners.fds[0] : listeners.fds[i];
    loops.push_back(std::make_unique<EchoThread>(listener, listeners.shared, stop_fd));
    workers.emplace_back([loop = loops.back().get()] { loop->run(); });
  }
  std::cout << "listening " << listeners.bound.to_string() << std::endl;

  int signo = 0;
  sigwait(&stop_signals, &signo);
  std::uint64_t one = 1;
  if (write(stop_fd, &one, sizeof one) != sizeof one) return 1;
  for (auto& w : workers) w.join();
  loops.clear();
  for (int fd : listeners.fds) close(fd);
  if (listeners.shared) unlink(listeners.bound.path.c_str());
  close(stop_fd);
  return 0;
}
