#include "worker.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

namespace linespec::reference::detail {
namespace {

constexpr std::uint64_t kStopTag = 1;
constexpr std::uint64_t kListenTag = 2;
constexpr int kAcceptsPerWakeup = 64;
constexpr std::size_t kReadBuffer = 64 * 1024;
// Out of descriptors: accepting waits this long while existing clients are served.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

// accept4 errors that concern only the connection being accepted (it was aborted,
// or carries a pending network error, see accept(2)): it is gone, try the next one.
bool retry_accept(int error) {
  switch (error) {
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      return true;
    default:
      return false;
  }
}

// Epoll keys: a session id with one bit for which of its descriptors fired.
std::uint64_t in_key(std::uint64_t id) { return id << 1; }
std::uint64_t out_key(std::uint64_t id) { return (id << 1) | 1; }

Error io_error(const char* what) {
  int error = errno;
  return Error{ErrorKind::kIo, std::string(what) + ": " + std::strerror(error)};
}

}  // namespace

Worker::Worker(ServerContext& context, SharedListener* listener)
    : context_(context), config_(context.config), listener_(listener),
      scratch_(new char[kReadBuffer]) {}

Worker::~Worker() {
  sessions_.clear();  // sessions close their descriptors and leave the epoll set
  release_listener();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

Status Worker::open() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return io_error("epoll_create1");
  epoll_event stop{};
  stop.events = EPOLLIN;
  stop.data.u64 = kStopTag;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, context_.stop_fd, &stop) != 0) return io_error("epoll_ctl");
  if (listener_ != nullptr) {
    holds_listener_ = true;
    update_listener(Clock::now());
  }
  return {};
}

void Worker::add_stdio(const Endpoint& endpoint) {
  stdio_ = true;
  add_session(endpoint, true, Clock::now());
}

Status Worker::run() {
  std::vector<epoll_event> events(128);
  for (;;) {
    Clock::time_point now = Clock::now();
    expire(now);
    if (finished()) return {};
    int timeout = runnable_.empty() ? timeout_ms(now) : 0;
    int n = context_.config.syscalls->epoll_wait(epoll_fd_, events.data(),
                                                 static_cast<int>(events.size()), timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("epoll_wait");
    }
    now = Clock::now();
    for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)], now);
    std::vector<std::uint64_t> ready;
    ready.swap(runnable_);
    for (std::uint64_t id : ready) {
      auto it = sessions_.find(id);
      if (it == sessions_.end()) continue;
      it->second.runnable = false;
      service(id, 0, false, now);
    }
  }
}

bool Worker::finished() const {
  if (stdio_) return sessions_.empty();
  return draining_ && sessions_.empty();
}

void Worker::dispatch(const epoll_event& event, Clock::time_point now) {
  std::uint64_t key = event.data.u64;
  if (key == kStopTag) {
    begin_drain(now);
  } else if (key == kListenTag) {
    if (listening_) accept_clients(now);
  } else {
    service(key >> 1, event.events, (key & 1) != 0, now);
  }
}

void Worker::accept_clients(Clock::time_point now) {
  for (int i = 0; i < kAcceptsPerWakeup && listening_; ++i) {
    int fd = context_.config.syscalls->accept4(listener_->fd, nullptr, nullptr,
                                               SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) return;  // empty, or another worker took it
      if (retry_accept(error)) continue;
      // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), or an error
      // that may repeat for as long as a client waits: the listener stays readable,
      // so retrying at once would spin. Without a descriptor to spare the pending
      // client cannot even be refused; it waits in the backlog while the existing
      // clients go on being served.
      accept_paused_until_ = now + kAcceptPause;
      update_listener(now);
      return;
    }
    if (listener_->tcp) {
      int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    bool admitted = true;
    if (context_.cap) {
      std::size_t before = context_.active.fetch_add(1);
      if (before >= *context_.cap) {
        context_.active.fetch_sub(1);
        admitted = false;
      }
    } else {
      context_.active.fetch_add(1);
    }
    add_session(Endpoint{fd, fd, true, -1, -1}, admitted, now);
    if (context_.sequential) update_listener(now);
  }
}

void Worker::add_session(const Endpoint& endpoint, bool counted, Clock::time_point now) {
  std::uint64_t id = next_id_++;
  Entry entry;
  entry.session = std::make_unique<Session>(endpoint, config_.profile, config_.limits,
                                            *config_.syscalls, epoll_fd_, now);
  if (counted) {
    entry.session->open();
  } else {
    entry.session->refuse();
  }
  entry.counted = counted;
  entry.seen_activity = now;
  entry.idle_position = idle_order_.insert(idle_order_.end(), id);
  sessions_.emplace(id, std::move(entry));
  service(id, 0, false, now);  // the greeting goes out before anything is read
}

void Worker::service(std::uint64_t id, std::uint32_t events, bool from_output, Clock::time_point now) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Entry& entry = it->second;
  Session& session = *entry.session;
  const Endpoint& endpoint = session.endpoint();
  constexpr std::uint32_t kFailed = EPOLLERR | EPOLLHUP;
  const bool shared_fd = endpoint.in_fd >= 0 && endpoint.in_fd == endpoint.out_fd;
  if (entry.in_always_ready || (!from_output && (events & (EPOLLIN | EPOLLRDHUP | kFailed)) != 0)) {
    session.readable();
  }
  if (entry.out_always_ready || ((from_output || shared_fd) && (events & (EPOLLOUT | kFailed)) != 0)) {
    session.writable();
    if (from_output) entry.out_armed = false;
  }
  bool more = session.service({scratch_.get(), kReadBuffer}, now);
  if (!session.closed() && (events & kFailed) != 0 && !more && !session.want_read() &&
      !session.want_write()) {
    session.close();  // a hang-up nothing will ever read or write through
  }
  if (session.closed()) {
    remove(it);
    return;
  }
  if (session.last_activity() != entry.seen_activity) {
    entry.seen_activity = session.last_activity();
    idle_order_.splice(idle_order_.end(), idle_order_, entry.idle_position);
  }
  if (session.lingering() && !entry.linger_scheduled) {
    entry.linger_scheduled = true;
    linger_deadlines_.emplace_back(now + config_.linger, id);
  }
  update_interest(id, entry);
  if ((more || (entry.in_always_ready && session.want_read()) ||
       (entry.out_always_ready && session.want_write())) &&
      !entry.runnable) {
    entry.runnable = true;
    runnable_.push_back(id);
  }
}

// A socket for both directions is watched level-triggered for what the session
// wants. An input of its own is watched level-triggered while the session wants to
// read, and leaves the set otherwise, so a hung-up pipe cannot report EPOLLHUP in a
// loop. An output of its own is watched only for the next writable report after a
// write blocked (arm_output).
void Worker::update_interest(std::uint64_t id, Entry& entry) {
  const Session& session = *entry.session;
  const Endpoint& endpoint = session.endpoint();
  if (endpoint.in_fd < 0) entry.in_registered = false;
  if (endpoint.out_fd < 0) entry.out_registered = false;
  if (endpoint.in_fd >= 0 && endpoint.in_fd == endpoint.out_fd) {
    std::uint32_t events = (session.want_read() ? EPOLLIN : 0u) | (session.want_write() ? EPOLLOUT : 0u);
    watch(endpoint.in_fd, in_key(id), events, true, entry.in_registered, entry.in_events,
          entry.in_always_ready);
    return;
  }
  if (endpoint.in_fd >= 0) {
    watch(endpoint.in_fd, in_key(id), session.want_read() ? EPOLLIN : 0u, false, entry.in_registered,
          entry.in_events, entry.in_always_ready);
  }
  if (endpoint.out_fd >= 0 && session.write_blocked() && !entry.out_armed && !entry.out_always_ready) {
    arm_output(endpoint.out_fd, out_key(id), entry);
  }
}

// Brings one level-triggered registration to `events`. Unless `keep`, a descriptor
// with no events wanted leaves the set.
void Worker::watch(int fd, std::uint64_t key, std::uint32_t events, bool keep, bool& registered,
                   std::uint32_t& current, bool& always_ready) {
  if (always_ready) return;
  if (events == 0 && !keep) {
    if (registered) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    registered = false;
    return;
  }
  if (registered && current == events) return;
  epoll_event event{};
  event.events = events;
  event.data.u64 = key;
  if (::epoll_ctl(epoll_fd_, registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) == 0) {
    registered = true;
    current = events;
  } else if (errno == EPERM) {
    always_ready = true;  // never blocks: the worker polls it without epoll
  }
}

// The output is registered one-shot, from its first blocked write on: a blocked
// write arms it (one call), it reports once and is disarmed until the next block.
// So a real block costs one call, not an add and a delete, and the output never
// reports while the session has nothing to send. Arming checks the descriptor at
// once, so the report cannot be missed even when the write that blocked did not
// meet a full pipe or socket (an interrupted or refused write).
void Worker::arm_output(int fd, std::uint64_t key, Entry& entry) {
  epoll_event event{};
  event.events = EPOLLOUT | EPOLLONESHOT;
  event.data.u64 = key;
  if (::epoll_ctl(epoll_fd_, entry.out_registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) == 0) {
    entry.out_registered = true;
    entry.out_armed = true;
  } else if (errno == EPERM) {
    entry.out_always_ready = true;  // never blocks: the worker polls it without epoll
  }
}

void Worker::remove(Sessions::iterator it) {
  Entry& entry = it->second;
  if (entry.counted) context_.active.fetch_sub(1);
  idle_order_.erase(entry.idle_position);
  sessions_.erase(it);
  if (context_.sequential) update_listener(Clock::now());
}

void Worker::begin_drain(Clock::time_point now) {
  if (draining_) return;
  draining_ = true;
  drain_deadline_ = now + config_.drain_timeout;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, context_.stop_fd, nullptr);
  release_listener();
  for (auto& [id, entry] : sessions_) {
    entry.session->drain();
    if (!entry.runnable) {
      entry.runnable = true;
      runnable_.push_back(id);
    }
  }
}

// Adds or removes the listener from the epoll set: not while draining, during an
// accept pause, or while a sequential server is busy with its one client.
void Worker::update_listener(Clock::time_point now) {
  if (listener_ == nullptr || !holds_listener_) return;
  if (accept_paused_until_ && now >= *accept_paused_until_) accept_paused_until_.reset();
  bool want = !draining_ && !accept_paused_until_ &&
              !(context_.sequential && context_.active.load() > 0);
  if (want == listening_) return;
  if (want) {
    epoll_event event{};
    event.events = EPOLLIN | (listener_->exclusive ? EPOLLEXCLUSIVE : 0u);
    event.data.u64 = kListenTag;
    listening_ = ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listener_->fd, &event) == 0;
  } else {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listener_->fd, nullptr);
    listening_ = false;
  }
}

void Worker::release_listener() {
  if (listener_ == nullptr || !holds_listener_) return;
  if (listening_) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listener_->fd, nullptr);
  listening_ = false;
  holds_listener_ = false;
  if (listener_->users.fetch_sub(1) == 1) {
    ::close(listener_->fd);  // pending and new clients are refused from here on
    listener_->fd = -1;
  }
}

void Worker::expire(Clock::time_point now) {
  if (accept_paused_until_ && now >= *accept_paused_until_) update_listener(now);
  if (config_.idle_timeout.count() > 0) {
    while (!idle_order_.empty()) {
      auto it = sessions_.find(idle_order_.front());
      if (it->second.seen_activity + config_.idle_timeout > now) break;
      it->second.session->close();
      remove(it);
    }
  }
  while (!linger_deadlines_.empty() && linger_deadlines_.front().first <= now) {
    auto it = sessions_.find(linger_deadlines_.front().second);
    linger_deadlines_.pop_front();
    if (it == sessions_.end()) continue;
    it->second.session->close();
    remove(it);
  }
  if (draining_ && now >= drain_deadline_) {
    while (!sessions_.empty()) {
      sessions_.begin()->second.session->close();
      remove(sessions_.begin());
    }
  }
}

int Worker::timeout_ms(Clock::time_point now) const {
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  if (config_.idle_timeout.count() > 0 && !idle_order_.empty()) {
    consider(sessions_.at(idle_order_.front()).seen_activity + config_.idle_timeout);
  }
  if (!linger_deadlines_.empty()) consider(linger_deadlines_.front().first);
  if (draining_) consider(drain_deadline_);
  if (accept_paused_until_) consider(*accept_paused_until_);
  if (!next) return -1;
  if (*next <= now) return 0;
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
  return static_cast<int>(std::min<decltype(wait)>(wait, INT_MAX));
}

}  // namespace linespec::reference::detail
