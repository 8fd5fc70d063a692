#include "load_worker.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>

#include "linespec/protocol/escape.hpp"

namespace linespec::bench {
namespace {

constexpr std::size_t kConnectWindow = 256;  // connects in progress per worker: stays under listen backlogs
constexpr int kReadsPerEvent = 8;            // then the next connection of this thread has its turn
constexpr std::size_t kBufferBytes = 64 * 1024;
constexpr std::size_t kMaxOddGreeting = 256;
constexpr auto kTick = std::chrono::milliseconds(50);       // epoll_wait bound: stop flags, deadlines
constexpr auto kCheckEvery = std::chrono::milliseconds(100);  // how often stalls are looked for

std::string errno_text(int err) { return std::strerror(err); }

// Bytes for a one-line message, quoted; long runs cut short.
std::string quoted(std::string_view bytes) { return escape_bytes(bytes, 48); }

std::uint64_t nanos(Clock::duration d) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()));
}

int wait_ms(Clock::duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<int>(std::clamp<std::int64_t>(ms, 0, kTick.count()));
}

}  // namespace

void RunControl::fail(Error error) {
  std::lock_guard lock(mutex);
  if (!first_error) first_error = std::move(error);
  failed = true;
  changed.notify_all();
}

LoadWorker::LoadWorker(const BenchConfig& config, const RecordStream& stream, const PeerAddress& peer,
                       std::vector<std::uint32_t> connection_ids, RunControl& control)
    : config_(config), stream_(stream), peer_(peer), control_(control), greeting_(config.profile.greeting_line()) {
  connections_.resize(connection_ids.size());
  for (std::size_t i = 0; i < connection_ids.size(); ++i) connections_[i].id = connection_ids[i];
  sent_at_.resize(connections_.size() * std::max<std::size_t>(config.depth, 1));
  buffer_.resize(kBufferBytes);
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
}

LoadWorker::~LoadWorker() {
  for (const Connection& c : connections_) {
    if (c.fd >= 0) close(c.fd);
  }
  if (epoll_ >= 0) close(epoll_);
}

void LoadWorker::run() {
  if (epoll_ < 0) {
    fail(ErrorKind::kIo, "epoll_create1: " + errno_text(errno));
    return;
  }
  if (open_all() && wait_for_start()) traffic();
}

bool LoadWorker::fail(ErrorKind kind, std::string message) {
  control_.fail(Error{kind, std::move(message)});
  return false;
}

std::string LoadWorker::describe(const Connection& c) const { return "connection " + std::to_string(c.id); }

void LoadWorker::watch(std::size_t index, std::uint32_t events, int op) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = index;
  epoll_ctl(epoll_, op, connections_[index].fd, &ev);
}

bool LoadWorker::open_all() {
  std::array<epoll_event, 256> events{};
  std::size_t next = 0;
  auto last_check = Clock::now();
  while (opened_ < connections_.size()) {
    if (control_.failed) return false;
    auto now = Clock::now();
    while (next < connections_.size() && next - opened_ < kConnectWindow) {
      if (!start_connect(next++, now)) return false;
    }
    if (opened_ == connections_.size()) break;
    int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), static_cast<int>(kTick.count()));
    if (n < 0 && errno != EINTR) return fail(ErrorKind::kIo, "epoll_wait: " + errno_text(errno));
    now = Clock::now();
    for (int i = 0; i < n; ++i) {
      auto index = static_cast<std::size_t>(events[i].data.u64);
      bool ok = true;
      switch (connections_[index].stage) {
        case Stage::kConnecting: ok = on_connected(index, now); break;
        case Stage::kGreeting: ok = read_greeting(index, now); break;
        case Stage::kOpen: ok = serve(index, events[i].events, now); break;
        case Stage::kNotStarted: break;
      }
      if (!ok) return false;
    }
    if (now - last_check < kCheckEvery) continue;
    last_check = now;
    for (std::size_t i = 0; i < next; ++i) {
      Connection& c = connections_[i];
      if (c.stage == Stage::kOpen || now - c.last_progress <= config_.timeout) continue;
      if (c.stage == Stage::kConnecting) {
        return fail(ErrorKind::kUnreachable, "cannot connect to " + config_.target.to_string() + ": no answer within " +
                                                 std::to_string(config_.timeout.count()) + " ms");
      }
      if (!c.odd_greeting.empty()) return greeting_failed(c, c.odd_greeting, true);
      return fail(ErrorKind::kTimeout, describe(c) + ": no greeting within " + std::to_string(config_.timeout.count()) +
                                           " ms (expected " + quoted(greeting_) + ", received " +
                                           quoted(greeting_.substr(0, c.greeting_got)) + ")");
    }
  }
  return true;
}

bool LoadWorker::start_connect(std::size_t index, Clock::time_point now) {
  Connection& c = connections_[index];
  const int family = peer_.storage.ss_family;
  c.fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    int err = errno;
    std::string hint = (err == EMFILE || err == ENFILE) ? " (out of file descriptors: raise ulimit -n)" : "";
    return fail(ErrorKind::kIo, "cannot open " + describe(c) + ": socket: " + errno_text(err) + hint);
  }
  c.last_progress = now;
  int rc;
  if (family == AF_UNIX) {
    // A unix connect fails with EAGAIN while the listener's backlog is full instead of waiting;
    // connect blocking, bounded by the send timeout, then go non-blocking.
    int flags = fcntl(c.fd, F_GETFL);
    fcntl(c.fd, F_SETFL, flags & ~O_NONBLOCK);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(config_.timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((config_.timeout.count() % 1000) * 1000);
    setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    do {
      rc = connect(c.fd, reinterpret_cast<const sockaddr*>(&peer_.storage), peer_.length);
    } while (rc != 0 && errno == EINTR);
    int err = errno;
    fcntl(c.fd, F_SETFL, flags | O_NONBLOCK);
    errno = err;
  } else {
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    rc = connect(c.fd, reinterpret_cast<const sockaddr*>(&peer_.storage), peer_.length);
  }
  if (rc == 0) return on_connected(index, now);
  if (errno == EINPROGRESS) {
    c.stage = Stage::kConnecting;
    watch(index, EPOLLOUT, EPOLL_CTL_ADD);
    return true;
  }
  std::string why = (errno == EAGAIN || errno == ETIMEDOUT) ? "no answer within " + std::to_string(config_.timeout.count()) + " ms"
                                                          : errno_text(errno);
  if (errno == EADDRNOTAVAIL) why += " (out of local ports)";
  return fail(ErrorKind::kUnreachable, "cannot connect to " + config_.target.to_string() + ": " + why);
}

bool LoadWorker::on_connected(std::size_t index, Clock::time_point now) {
  Connection& c = connections_[index];
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return fail(ErrorKind::kUnreachable, "cannot connect to " + config_.target.to_string() + ": " + errno_text(err));
  int op = c.stage == Stage::kNotStarted ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  c.last_progress = now;
  if (greeting_.empty()) {
    c.stage = Stage::kOpen;
    ++opened_;
  } else {
    c.stage = Stage::kGreeting;
  }
  watch(index, EPOLLIN, op);
  return true;
}

// The line that came instead of the greeting: a refusal if it carries the marker, else wrong.
// Judged once the line is complete (or the peer closed, or it is too long), so that a refusal
// split over several reads is still recognised.
bool LoadWorker::greeting_failed(Connection& c, std::string_view seen, bool finished) {
  bool complete = finished || seen.find('\n') != std::string_view::npos || seen.size() >= kMaxOddGreeting;
  if (!complete) {
    c.odd_greeting = std::string(seen);
    return true;
  }
  const std::string& marker = config_.profile.refusal_marker;
  if (!marker.empty() && seen.find(marker) != std::string_view::npos) {
    return fail(ErrorKind::kUnreachable, describe(c) + " refused by the server: received " + quoted(seen));
  }
  return fail(ErrorKind::kProtocol, describe(c) + ": expected greeting " + quoted(greeting_) + ", received " +
                                        quoted(seen));
}

bool LoadWorker::read_greeting(std::size_t index, Clock::time_point now) {
  Connection& c = connections_[index];
  ssize_t got;
  do {
    got = read(c.fd, buffer_.data(), buffer_.size());
  } while (got < 0 && errno == EINTR);
  if (got < 0 && errno == EAGAIN) return true;
  std::string_view bytes(buffer_.data(), got > 0 ? static_cast<std::size_t>(got) : 0);
  std::string seen = c.odd_greeting.empty() ? greeting_.substr(0, c.greeting_got) : c.odd_greeting;
  seen += bytes;
  if (got <= 0) {
    if (c.odd_greeting.empty() && seen.empty()) {
      std::string how = got == 0 ? "closed" : "reset";
      return fail(ErrorKind::kProtocol, "the server " + how + " " + describe(c) + " before sending the greeting " +
                                            quoted(greeting_));
    }
    return greeting_failed(c, seen, true);
  }
  if (!c.odd_greeting.empty()) return greeting_failed(c, seen, false);
  std::size_t take = std::min(bytes.size(), greeting_.size() - c.greeting_got);
  if (bytes.substr(0, take) != std::string_view(greeting_).substr(c.greeting_got, take)) {
    return greeting_failed(c, seen, false);
  }
  c.greeting_got += take;
  c.last_progress = now;
  if (c.greeting_got < greeting_.size()) return true;
  c.stage = Stage::kOpen;
  ++opened_;
  return take == bytes.size() || take_replies(index, bytes.substr(take), now);
}

bool LoadWorker::wait_for_start() {
  std::unique_lock lock(control_.mutex);
  ++control_.workers_open;
  control_.changed.notify_all();
  control_.changed.wait(lock, [this] { return control_.started || control_.aborted || control_.failed; });
  if (!control_.started || control_.failed) return false;
  measure_from_ = control_.measure_from;
  measure_until_ = control_.measure_until;
  return true;
}

bool LoadWorker::owes(const Connection& c) const {
  return c.received < c.queued * stream_.reply_unit() || c.written < c.queued * stream_.record_size();
}

void LoadWorker::traffic() {
  std::array<epoll_event, 256> events{};
  auto now = Clock::now();
  sending_ = config_.depth > 0;
  if (sending_) {
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      Connection& c = connections_[i];
      for (std::size_t k = 0; k < config_.depth; ++k) {
        sent_at_[i * config_.depth + c.queued % config_.depth] = now;
        ++c.queued;
      }
      if (!flush(i, now)) return;
    }
  }
  auto last_check = now;
  for (;;) {
    if (control_.failed) return;
    now = Clock::now();
    if (now >= measure_until_) {
      sending_ = false;  // collect what is owed, queue nothing new
      if (std::none_of(connections_.begin(), connections_.end(), [this](const Connection& c) { return owes(c); })) {
        return;
      }
    }
    int timeout = sending_ ? wait_ms(measure_until_ - now) : static_cast<int>(kTick.count());
    int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0 && errno != EINTR) {
      fail(ErrorKind::kIo, "epoll_wait: " + errno_text(errno));
      return;
    }
    now = Clock::now();
    for (int i = 0; i < n; ++i) {
      if (!serve(static_cast<std::size_t>(events[i].data.u64), events[i].events, now)) return;
    }
    if (now - last_check >= kCheckEvery) {
      last_check = now;
      if (!check_stalls(now)) return;
    }
  }
}

bool LoadWorker::serve(std::size_t index, std::uint32_t events, Clock::time_point now) {
  Connection& c = connections_[index];
  if ((events & EPOLLOUT) && !flush(index, now)) return false;
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return true;
  for (int reads = 0; reads < kReadsPerEvent; ++reads) {
    ssize_t got = read(c.fd, buffer_.data(), buffer_.size());
    if (got > 0) {
      if (!take_replies(index, std::string_view(buffer_.data(), static_cast<std::size_t>(got)), now)) return false;
      if (static_cast<std::size_t>(got) < buffer_.size()) break;  // drained; skip the EAGAIN read
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) break;
    std::uint64_t replies = c.received / stream_.reply_unit();
    std::string how = got == 0 ? "closed" : errno == ECONNRESET ? "reset" : "failed (" + errno_text(errno) + ")";
    std::string state = owes(c) ? " while replies to " + std::to_string(c.queued - replies) + " records were owed"
                                : c.queued == 0 ? " while idle" : "";
    return fail(ErrorKind::kProtocol, "the server " + how + " " + describe(c) + state + ", after " +
                                          std::to_string(replies) + " replies");
  }
  return flush(index, now);
}

bool LoadWorker::take_replies(std::size_t index, std::string_view bytes, Clock::time_point now) {
  Connection& c = connections_[index];
  const std::size_t unit = stream_.reply_unit();
  // Nothing may come back for a record before all of it was written.
  std::uint64_t records_written = c.written / stream_.record_size();
  std::uint64_t allowed_total = stream_.replies_are_request() ? c.written : records_written * unit;
  std::size_t allowed = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), allowed_total - c.received));
  std::size_t bad = stream_.reply_mismatch(c.id, c.received, bytes.substr(0, allowed));
  if (bad != RecordStream::npos) {
    std::uint64_t at = c.received + bad;
    std::uint64_t record = at / unit;
    std::uint64_t from = std::max(record * unit, c.received);  // as far back as this read goes
    std::size_t shown = static_cast<std::size_t>(from - c.received);
    return fail(ErrorKind::kProtocol,
                describe(c) + ": wrong reply to record " + std::to_string(record) + " (byte " +
                    std::to_string(at - record * unit) + " of the reply differs): expected " +
                    quoted(stream_.expected_reply(c.id, from, std::min<std::size_t>(unit, 48))) + ", received " +
                    quoted(bytes.substr(shown)));
  }
  if (allowed < bytes.size()) {
    return fail(ErrorKind::kProtocol, describe(c) + ": unexpected bytes beyond the replies owed for the " +
                                          std::to_string(records_written) + " records sent: " +
                                          quoted(bytes.substr(allowed)));
  }
  std::uint64_t before = c.received / unit;
  c.received += bytes.size();
  c.last_progress = now;
  std::uint64_t after = c.received / unit;
  if (now >= measure_from_ && now < measure_until_) {
    bytes_received_ += bytes.size();
    for (std::uint64_t r = before; r < after; ++r) {
      latency_.record(nanos(now - sent_at_[index * config_.depth + r % config_.depth]));
    }
    records_ += after - before;
  }
  if (sending_) {
    for (std::uint64_t r = before; r < after; ++r) {
      sent_at_[index * config_.depth + c.queued % config_.depth] = now;
      ++c.queued;
    }
  }
  return true;
}

bool LoadWorker::flush(std::size_t index, Clock::time_point now) {
  Connection& c = connections_[index];
  const std::uint64_t end = c.queued * stream_.record_size();
  while (c.written < end) {
    std::array<iovec, 4> iov{};
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = stream_.request_slices(c.id, c.written, end, iov.data(), iov.size());
    ssize_t sent = sendmsg(c.fd, &msg, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      std::string how = (errno == EPIPE || errno == ECONNRESET) ? "reset" : "failed (" + errno_text(errno) + ")";
      return fail(ErrorKind::kProtocol, "the server " + how + " " + describe(c) + " while records were being sent");
    }
    c.written += static_cast<std::uint64_t>(sent);
    c.last_progress = now;
    if (now >= measure_from_ && now < measure_until_) bytes_sent_ += static_cast<std::uint64_t>(sent);
  }
  bool want_out = c.written < end;
  if (want_out != c.watching_out) {
    watch(index, EPOLLIN | (want_out ? EPOLLOUT : 0u), EPOLL_CTL_MOD);
    c.watching_out = want_out;
  }
  return true;
}

bool LoadWorker::check_stalls(Clock::time_point now) {
  for (const Connection& c : connections_) {
    if (!owes(c) || now - c.last_progress <= config_.timeout) continue;
    std::uint64_t replies = c.received / stream_.reply_unit();
    return fail(ErrorKind::kTimeout,
                describe(c) + ": no reply for " + std::to_string(config_.timeout.count()) + " ms while replies to " +
                    std::to_string(c.queued - replies) + " records are owed (expected next: " +
                    quoted(stream_.expected_reply(c.id, c.received,
                                                        std::min<std::size_t>(stream_.reply_unit(), 48))) +
                    ")");
  }
  return true;
}

}  // namespace linespec::bench
