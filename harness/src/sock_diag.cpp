#include "sock_diag.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <cstddef>
#include <cstring>
#include <functional>
#include <optional>

#include "fd.hpp"

namespace linespec::harness {

namespace {

constexpr std::size_t kAlign = 4;  // NLMSG_ALIGNTO and RTA_ALIGNTO
constexpr std::size_t align(std::size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

// One attribute of a diag message: its type and payload.
struct Attribute {
  unsigned short type;
  const char* data;
  std::size_t size;
};

// Calls `visit` for each attribute in [data, data + size).
void for_each_attribute(const char* data, std::size_t size, const std::function<void(const Attribute&)>& visit) {
  struct Header {
    unsigned short len;
    unsigned short type;
  };
  while (size >= sizeof(Header)) {
    Header h;
    std::memcpy(&h, data, sizeof h);
    if (h.len < sizeof h || h.len > size) return;
    visit(Attribute{h.type, data + sizeof h, h.len - sizeof h});
    std::size_t step = std::min(size, align(h.len));
    data += step;
    size -= step;
  }
}

// A NETLINK_SOCK_DIAG socket that sends one request at a time and hands each answer
// message (payload after the nlmsghdr) to a callback.
class DiagSocket {
 public:
  static Result<DiagSocket> open() {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!fd) return Error{ErrorKind::kUnreachable, "no sock_diag netlink socket: " + errno_text(errno)};
    // The kernel answers while handling send(); the timeout only guards a surprise.
    timeval one_second{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &one_second, sizeof one_second);
    DiagSocket socket;
    socket.fd_ = std::move(fd);
    return socket;
  }

  // Errors carry the errno the kernel answered with (ENOENT: no such socket).
  Status query(const void* request, std::size_t size, bool dump,
               const std::function<void(const char*, std::size_t)>& on_answer) {
    alignas(nlmsghdr) char out[256];
    nlmsghdr header{};
    header.nlmsg_len = static_cast<__u32>(sizeof header + size);
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    header.nlmsg_flags = static_cast<__u16>(NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0));
    header.nlmsg_seq = ++sequence_;
    std::memcpy(out, &header, sizeof header);
    std::memcpy(out + sizeof header, request, size);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd_.get(), out, header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
      return io_error("send", errno);
    }
    alignas(nlmsghdr) static thread_local char in[32 * 1024];
    for (;;) {
      ssize_t got = ::recv(fd_.get(), in, sizeof in, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        return io_error("recv", errno);
      }
      auto left = static_cast<std::size_t>(got);
      const char* at = in;
      while (left >= sizeof(nlmsghdr)) {
        nlmsghdr h;
        std::memcpy(&h, at, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > left) break;
        const char* payload = at + sizeof h;
        std::size_t payload_size = h.nlmsg_len - sizeof h;
        std::size_t step = std::min(left, align(h.nlmsg_len));
        at += step;
        left -= step;
        if (h.nlmsg_seq != sequence_) continue;
        if (h.nlmsg_type == NLMSG_DONE) return {};
        if (h.nlmsg_type == NLMSG_ERROR) {
          nlmsgerr error{};
          std::memcpy(&error, payload, std::min(payload_size, sizeof error));
          if (error.error == 0) return {};
          return io_error("answer", -error.error);
        }
        on_answer(payload, payload_size);
        if (!dump) return {};
      }
    }
  }

 private:
  static Error io_error(const char* what, int error) {
    return Error{ErrorKind::kIo, std::string("sock_diag ") + what + ": " + errno_text(error)};
  }

  UniqueFd fd_;
  __u32 sequence_ = 0;
};

// The server's end of a TCP connection, found by its 4-tuple: its local end is our
// peer, its remote end is us.
class TcpDiagDelivery final : public Delivery {
 public:
  TcpDiagDelivery(DiagSocket diag, inet_diag_req_v2 request, std::string what)
      : diag_(std::move(diag)), request_(request), what_(std::move(what)) {}

  std::string name() const override { return "sock_diag tcp"; }
  void chunk_written(std::size_t total_sent) override { total_sent_ = total_sent; }
  std::chrono::microseconds retry_after(int attempt) const override { return diag_backoff(attempt); }

  Result<bool> consumed() override {
    auto state = measure();
    if (!state) return state.error();
    return state->bytes_received >= total_sent_ && state->unread == 0;
  }

  struct State {
    std::uint64_t bytes_received = 0;  // in order, since the handshake
    std::uint32_t unread = 0;          // received, not yet read by the server
  };

  Result<State> measure() {
    std::optional<State> state;
    auto status = diag_.query(&request_, sizeof request_, false, [&](const char* data, std::size_t size) {
      inet_diag_msg msg{};
      if (size < sizeof msg) return;
      std::memcpy(&msg, data, sizeof msg);
      // An exact lookup may fall back to the listener: demand our own port.
      if (msg.id.idiag_dport != request_.id.idiag_dport || msg.id.idiag_sport != request_.id.idiag_sport) return;
      State s;
      s.unread = msg.idiag_rqueue;
      bool has_info = false;
      for_each_attribute(data + align(sizeof msg), size - std::min(size, align(sizeof msg)), [&](const Attribute& a) {
        constexpr std::size_t kAt = offsetof(tcp_info, tcpi_bytes_received);
        if (a.type != INET_DIAG_INFO || a.size < kAt + sizeof s.bytes_received) return;
        std::memcpy(&s.bytes_received, a.data + kAt, sizeof s.bytes_received);
        has_info = true;
      });
      if (has_info) state = s;
    });
    if (!status) return Error{ErrorKind::kIo, status.error().message + " (the server end of " + what_ + ")"};
    if (!state) return Error{ErrorKind::kIo, "sock_diag shows no tcp_info for the server end of " + what_};
    return *state;
  }

 private:
  DiagSocket diag_;
  inet_diag_req_v2 request_;
  std::string what_;
  std::size_t total_sent_ = 0;
};

// One unix socket as unix_diag shows it.
struct UnixSocketView {
  std::uint32_t inode = 0;
  std::uint32_t cookie[2] = {0, 0};
  std::optional<std::uint32_t> peer;
  std::optional<std::uint32_t> unread;
};

// Asks for one socket (by inode) or dumps them all; `visit` sees each answer.
Status query_unix(DiagSocket& diag, std::uint32_t inode, const std::uint32_t cookie[2],
                  const std::function<void(const UnixSocketView&)>& visit) {
  unix_diag_req request{};
  request.sdiag_family = AF_UNIX;
  request.udiag_states = ~0u;
  request.udiag_show = UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN;
  request.udiag_ino = inode;
  request.udiag_cookie[0] = cookie[0];
  request.udiag_cookie[1] = cookie[1];
  return diag.query(&request, sizeof request, inode == 0, [&](const char* data, std::size_t size) {
    unix_diag_msg msg{};
    if (size < sizeof msg) return;
    std::memcpy(&msg, data, sizeof msg);
    UnixSocketView view;
    view.inode = msg.udiag_ino;
    std::memcpy(view.cookie, msg.udiag_cookie, sizeof view.cookie);
    for_each_attribute(data + align(sizeof msg), size - std::min(size, align(sizeof msg)), [&](const Attribute& a) {
      if (a.type == UNIX_DIAG_PEER && a.size >= sizeof(std::uint32_t)) {
        std::uint32_t value;
        std::memcpy(&value, a.data, sizeof value);
        view.peer = value;
      } else if (a.type == UNIX_DIAG_RQLEN && a.size >= sizeof(unix_diag_rqlen)) {
        unix_diag_rqlen rq;
        std::memcpy(&rq, a.data, sizeof rq);
        view.unread = rq.udiag_rqueue;
      }
    });
    visit(view);
  });
}

// The server's end of a unix connection: the socket whose peer is ours. The kernel
// lists it only once the server accepted it; until then nothing was read.
class UnixDiagDelivery final : public Delivery {
 public:
  UnixDiagDelivery(DiagSocket diag, std::uint32_t our_inode, std::string what)
      : diag_(std::move(diag)), our_inode_(our_inode), what_(std::move(what)) {}

  std::string name() const override { return "sock_diag unix"; }
  void chunk_written(std::size_t) override {}  // unix sockets have no bytes in flight
  std::chrono::microseconds retry_after(int attempt) const override { return diag_backoff(attempt); }

  Result<bool> consumed() override {
    std::optional<std::uint32_t> unread;
    if (server_inode_ == 0) {
      constexpr std::uint32_t kAny[2] = {INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE};
      auto status = query_unix(diag_, 0, kAny, [&](const UnixSocketView& view) {
        if (view.peer != our_inode_ || !view.unread || server_inode_ != 0) return;
        server_inode_ = view.inode;
        std::memcpy(server_cookie_, view.cookie, sizeof server_cookie_);
        unread = view.unread;
      });
      if (!status) return Error{ErrorKind::kIo, status.error().message + " (the server end of " + what_ + ")"};
      if (server_inode_ == 0) return false;  // not accepted yet
      return *unread == 0;
    }
    auto status = query_unix(diag_, server_inode_, server_cookie_, [&](const UnixSocketView& view) {
      if (view.inode == server_inode_) unread = view.unread;
    });
    if (!status) return Error{ErrorKind::kIo, status.error().message + " (the server end of " + what_ + ")"};
    if (!unread) return Error{ErrorKind::kIo, "sock_diag shows no queue for the server end of " + what_};
    return *unread == 0;
  }

 private:
  DiagSocket diag_;
  std::uint32_t our_inode_;
  std::uint32_t server_inode_ = 0;
  std::uint32_t server_cookie_[2] = {0, 0};
  std::string what_;
};

Error cannot_measure(const Connection& connection, const std::string& why) {
  return Error{ErrorKind::kUnreachable, "sock_diag cannot see the server end of " + connection.describe() + ": " + why};
}

Result<std::unique_ptr<Delivery>> make_tcp(Connection& connection, DiagSocket diag) {
  sockaddr_storage ours{};
  sockaddr_storage theirs{};
  socklen_t len = sizeof ours;
  int fd = connection.read_fd();
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ours), &len) != 0) return cannot_measure(connection, errno_text(errno));
  len = sizeof theirs;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&theirs), &len) != 0) return cannot_measure(connection, errno_text(errno));

  inet_diag_req_v2 request{};
  request.sdiag_family = static_cast<__u8>(ours.ss_family);
  request.sdiag_protocol = IPPROTO_TCP;
  request.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  request.idiag_states = ~0u;
  request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  if (ours.ss_family == AF_INET) {
    const auto& local = reinterpret_cast<const sockaddr_in&>(ours);
    const auto& remote = reinterpret_cast<const sockaddr_in&>(theirs);
    request.id.idiag_sport = remote.sin_port;
    request.id.idiag_dport = local.sin_port;
    std::memcpy(request.id.idiag_src, &remote.sin_addr, sizeof remote.sin_addr);
    std::memcpy(request.id.idiag_dst, &local.sin_addr, sizeof local.sin_addr);
  } else {
    const auto& local = reinterpret_cast<const sockaddr_in6&>(ours);
    const auto& remote = reinterpret_cast<const sockaddr_in6&>(theirs);
    request.id.idiag_sport = remote.sin6_port;
    request.id.idiag_dport = local.sin6_port;
    std::memcpy(request.id.idiag_src, &remote.sin6_addr, sizeof remote.sin6_addr);
    std::memcpy(request.id.idiag_dst, &local.sin6_addr, sizeof local.sin6_addr);
  }
  auto delivery = std::make_unique<TcpDiagDelivery>(std::move(diag), request, connection.describe());
  if (auto state = delivery->measure(); !state) return cannot_measure(connection, state.error().message);
  return std::unique_ptr<Delivery>(std::move(delivery));
}

Result<std::unique_ptr<Delivery>> make_unix(Connection& connection, DiagSocket diag) {
  struct stat st {};
  if (::fstat(connection.read_fd(), &st) != 0) return cannot_measure(connection, errno_text(errno));
  auto our_inode = static_cast<std::uint32_t>(st.st_ino);
  // Our own end must be visible, or the kernel has no unix_diag at all.
  bool seen = false;
  constexpr std::uint32_t kAny[2] = {INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE};
  auto status = query_unix(diag, our_inode, kAny, [&](const UnixSocketView& view) {
    seen = seen || (view.inode == our_inode && view.unread.has_value());
  });
  if (!status) return cannot_measure(connection, status.error().message);
  if (!seen) return cannot_measure(connection, "unix_diag does not show our own socket");
  return std::unique_ptr<Delivery>(std::make_unique<UnixDiagDelivery>(std::move(diag), our_inode, connection.describe()));
}

}  // namespace

Result<std::unique_ptr<Delivery>> make_sock_diag_delivery(Connection& connection) {
  auto diag = DiagSocket::open();
  if (!diag) return cannot_measure(connection, diag.error().message);
  if (connection.kind() == Connection::Kind::kTcp) return make_tcp(connection, std::move(*diag));
  if (connection.kind() == Connection::Kind::kUnix) return make_unix(connection, std::move(*diag));
  return cannot_measure(connection, "not a socket");
}

}  // namespace linespec::harness
