#include "linespec/reference/client.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "linespec/reference/framer.hpp"

namespace linespec::reference {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxGreeting = 4096;

class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

int poll_ms(milliseconds timeout) {
  return static_cast<int>(std::clamp<long long>(timeout.count(), 0, INT_MAX));
}

Error unreachable(const Address& address, const std::string& why) {
  return Error{ErrorKind::kUnreachable, "cannot connect to " + address.to_string() + ": " + why};
}

// Non-blocking connect bounded by `timeout`; the errno of the failure, or 0.
int connect_one(int fd, const sockaddr* target, socklen_t length, milliseconds timeout) {
  if (::connect(fd, target, length) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  pollfd p{fd, POLLOUT, 0};
  int ready = ::poll(&p, 1, poll_ms(timeout));
  if (ready == 0) return ETIMEDOUT;
  if (ready < 0) return errno;
  int error = 0;
  socklen_t size = sizeof error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
  return error;
}

Result<Socket> connect_to(const Address& address, milliseconds timeout) {
  if (address.kind == Address::Kind::kUnix) {
    sockaddr_un target{};
    target.sun_family = AF_UNIX;
    if (address.path.size() >= sizeof target.sun_path) return unreachable(address, "path too long");
    std::memcpy(target.sun_path, address.path.c_str(), address.path.size() + 1);
    Socket s(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    const auto* raw = reinterpret_cast<const sockaddr*>(&target);
    int error = s.fd() < 0 ? errno : connect_one(s.fd(), raw, sizeof target, timeout);
    if (error != 0) return unreachable(address, std::strerror(error));
    return s;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(address.port);
  if (int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return unreachable(address, std::string("cannot resolve host: ") + ::gai_strerror(rc));
  }
  int error = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Socket s(::socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    error = s.fd() < 0 ? errno : connect_one(s.fd(), a->ai_addr, a->ai_addrlen, timeout);
    if (error == 0) {
      ::freeaddrinfo(found);
      int on = 1;
      ::setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      return s;
    }
  }
  ::freeaddrinfo(found);
  return unreachable(address, std::strerror(error));
}

// The client's side of the conversation: sends what is left of `unsent` while
// collecting what arrives, one wait at a time.
class Peer {
 public:
  enum class Event { kProgress, kEof, kReset, kTimeout };
  Peer(int fd, milliseconds timeout) : fd_(fd), timeout_(timeout) {}

  Event pump(std::string_view& unsent) {
    pollfd p{fd_, static_cast<short>(POLLIN | (unsent.empty() ? 0 : POLLOUT)), 0};
    int ready = ::poll(&p, 1, poll_ms(timeout_));
    if (ready < 0) return errno == EINTR ? Event::kProgress : Event::kReset;
    if (ready == 0) return Event::kTimeout;
    if ((p.revents & POLLOUT) != 0) {
      ssize_t n = ::send(fd_, unsent.data(), unsent.size(), MSG_NOSIGNAL);
      if (n > 0) unsent.remove_prefix(static_cast<std::size_t>(n));
      if (n < 0 && errno != EAGAIN && errno != EINTR) return Event::kReset;
    }
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buffer[16384];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) input_.append(buffer, static_cast<std::size_t>(n));
      if (n == 0) return Event::kEof;
      if (n < 0 && errno != EAGAIN && errno != EINTR) return Event::kReset;
    }
    return Event::kProgress;
  }

  std::string& input() { return input_; }

 private:
  int fd_;
  milliseconds timeout_;
  std::string input_;
};

Error protocol_error(std::string message) { return Error{ErrorKind::kProtocol, std::move(message)}; }

std::string quoted(std::string_view bytes) { return "'" + escape_bytes(bytes) + "'"; }

std::string counted(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The first line of what arrived holds the refusal marker.
bool refused_first_line(std::string_view input, const Profile& profile) {
  std::string_view line = input.substr(0, input.find('\n'));
  return !profile.refusal_marker.empty() && line.find(profile.refusal_marker) != std::string_view::npos;
}

// Checks the replies once the server has closed.
Status check_replies(const ClientConfig& config, const std::string& got, std::size_t records,
                     std::string_view payload) {
  if (config.profile.reply != ReplyKind::kAck) {
    if (got != payload) {
      return protocol_error("expected the bytes sent back, " + quoted(payload) + ", got " + quoted(got));
    }
    return {};
  }
  std::size_t line = 0;
  std::size_t pos = 0;
  while (pos < got.size()) {
    std::size_t end = got.find('\n', pos);
    if (end == std::string::npos) {
      return protocol_error("unexpected bytes after the last reply: " + quoted(got.substr(pos)));
    }
    ++line;
    std::string_view reply = std::string_view(got).substr(pos, end - pos);
    if (line > records) {
      return protocol_error("expected " + counted(records, "reply", "replies") +
                            ", got more: " + quoted(got.substr(pos)));
    }
    if (reply != config.profile.ack_text) {
      return protocol_error("reply " + std::to_string(line) + ": expected " +
                            quoted(config.profile.ack_text) + ", got " + quoted(reply));
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace

Result<ClientReport> run_client(const ClientConfig& config) {
  auto connected = connect_to(config.connect, config.timeout);
  if (!connected) return connected.error();
  Socket socket = std::move(*connected);
  Peer peer(socket.fd(), config.timeout);
  const std::string ms = std::to_string(config.timeout.count()) + " ms";
  ClientReport report;

  auto refusal = [&](std::string_view input) {
    return Error{ErrorKind::kUnreachable, "refused by " + config.connect.to_string() + ": the server sent " +
                                              quoted(input.substr(0, input.find('\n')))};
  };
  // Without a greeting, the refusal line is the first thing that arrives.
  auto refused_without_greeting = [&] {
    return !config.profile.greeting && refused_first_line(peer.input(), config.profile);
  };

  std::string_view nothing;
  if (config.profile.greeting) {
    Peer::Event event = Peer::Event::kProgress;
    while (peer.input().find('\n') == std::string::npos && event == Peer::Event::kProgress) {
      if (peer.input().size() > kMaxGreeting) {
        return protocol_error("expected the greeting " + quoted(config.profile.greeting_line()) +
                              ", got a line longer than " + std::to_string(kMaxGreeting) + " bytes");
      }
      event = peer.pump(nothing);
    }
    std::size_t end = peer.input().find('\n');
    std::string line = peer.input().substr(0, end);
    if (refused_first_line(line, config.profile)) return refusal(line);
    if (event == Peer::Event::kTimeout) {
      return Error{ErrorKind::kTimeout, "expected the greeting " + quoted(config.profile.greeting_line()) +
                                            ", got " + quoted(peer.input()) + " and then nothing for " + ms};
    }
    if (end == std::string::npos) {
      return protocol_error("expected the greeting " + quoted(config.profile.greeting_line()) + ", got " +
                            quoted(peer.input()) + " and then the connection ended");
    }
    if (line != *config.profile.greeting) {
      return protocol_error("expected the greeting " + quoted(config.profile.greeting_line()) + ", got " +
                            quoted(line + "\n"));
    }
    report.greeting = line;
    peer.input().erase(0, end + 1);
  }

  std::string payload;
  for (const std::string& record : config.records) payload += record + "\n";
  Framer framer(config.profile);
  report.records = framer.count_records(payload);
  const bool ack = config.profile.reply == ReplyKind::kAck;
  std::size_t lines = 0;
  std::size_t counted_up_to = 0;  // newlines are counted once, as bytes arrive
  auto received = [&] {
    if (!ack) return peer.input().size();
    const std::string& in = peer.input();
    auto from = in.begin() + static_cast<std::ptrdiff_t>(counted_up_to);
    lines += static_cast<std::size_t>(std::count(from, in.end(), '\n'));
    counted_up_to = in.size();
    return lines;
  };
  const std::size_t wanted = ack ? report.records : payload.size();
  auto progress = [&] {
    return ack ? counted(wanted, "reply", "replies") + ", got " + std::to_string(received())
               : counted(wanted, "byte", "bytes") + " back, got " + std::to_string(received());
  };

  // The replies are checked once the server has closed, but a server that sends
  // without end must not grow the client without bound: more bytes than every reply
  // owed (or than a refusal line) is an error at once.
  const std::size_t most =
      std::max(ack ? report.records * config.profile.ack_line().size() : payload.size(), kMaxGreeting);
  auto too_much = [&] {
    return protocol_error("expected " + progress() + ", and more than " + counted(most, "byte", "bytes") +
                          " in all: " + quoted(peer.input()));
  };

  std::string_view unsent = payload;
  while (received() < wanted || !unsent.empty()) {
    if (peer.input().size() > most) return too_much();
    switch (peer.pump(unsent)) {
      case Peer::Event::kProgress: break;
      case Peer::Event::kTimeout:
        return Error{ErrorKind::kTimeout, "expected " + progress() + " and then nothing for " + ms};
      case Peer::Event::kEof:
        if (refused_without_greeting()) return refusal(peer.input());
        return protocol_error("expected " + progress() + " before the server closed");
      case Peer::Event::kReset:
        return protocol_error("expected " + progress() + " before the connection was reset");
    }
  }

  ::shutdown(socket.fd(), SHUT_WR);
  for (bool open = true; open;) {
    if (peer.input().size() > most) return too_much();
    switch (peer.pump(nothing)) {
      case Peer::Event::kProgress: break;
      case Peer::Event::kEof: open = false; break;
      case Peer::Event::kTimeout:
        return Error{ErrorKind::kTimeout, "the server did not close within " + ms + " after the last reply"};
      case Peer::Event::kReset:
        return protocol_error("the server reset the connection instead of closing it after the last reply");
    }
  }
  if (Status ok = check_replies(config, peer.input(), report.records, payload); !ok) {
    if (refused_without_greeting()) return refusal(peer.input());
    return ok.error();
  }
  report.replies = std::move(peer.input());
  return report;
}

std::string escape_bytes(std::string_view bytes, std::size_t limit) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == limit) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
  }
  return out;
}

}  // namespace linespec::reference
