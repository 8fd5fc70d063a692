// One event loop of the reference server: an epoll set with a listener (or the
// stdio session), the stop eventfd, and the sessions it accepted, their idle,
// linger and drain deadlines. Each Worker runs on one thread and owns its
// sessions; the listener and the connection count are shared through atomics.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "linespec/protocol/result.hpp"
#include "linespec/reference/server.hpp"
#include "session.hpp"

namespace linespec::reference::detail {

// A listening socket and how many workers still watch it; the last to let go
// closes it, so new clients are refused as soon as a drain starts.
struct SharedListener {
  int fd = -1;
  bool tcp = true;
  bool exclusive = false;  // shared by several workers: EPOLLEXCLUSIVE wakes one
  std::atomic<int> users{0};
};

// What every worker of one server reads; `active` counts the clients being served.
struct ServerContext {
  const ServerConfig& config;
  std::optional<std::size_t> cap;
  bool sequential = false;
  int stop_fd = -1;
  std::atomic<std::size_t> active{0};
};

class Worker {
 public:
  Worker(ServerContext& context, SharedListener* listener);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Creates the epoll set and registers the stop eventfd and the listener.
  Status open();
  // Serves one session on these descriptors instead of a listener (stdio).
  void add_stdio(const Endpoint& endpoint);
  // Loops until drained (or the stdio session ended). kIo error if epoll fails.
  Status run();

 private:
  struct Entry {
    std::unique_ptr<Session> session;
    std::list<std::uint64_t>::iterator idle_position;
    Clock::time_point seen_activity;
    std::uint32_t in_events = 0;
    bool in_registered = false;
    bool out_registered = false;
    bool out_armed = false;        // an output of its own waits for its one-shot report
    bool in_always_ready = false;  // regular files, /dev/null: epoll refuses them
    bool out_always_ready = false;
    bool counted = false;          // holds one of the `active` slots
    bool runnable = false;
    bool linger_scheduled = false;
  };
  using Sessions = std::unordered_map<std::uint64_t, Entry>;

  void dispatch(const epoll_event& event, Clock::time_point now);
  void accept_clients(Clock::time_point now);
  void add_session(const Endpoint& endpoint, bool counted, Clock::time_point now);
  // `events` came for the session's input descriptor (shared or not) or, with
  // `from_output`, for an output descriptor of its own; none for a plain turn.
  void service(std::uint64_t id, std::uint32_t events, bool from_output, Clock::time_point now);
  void update_interest(std::uint64_t id, Entry& entry);
  void arm_output(int fd, std::uint64_t key, Entry& entry);
  void watch(int fd, std::uint64_t key, std::uint32_t events, bool keep, bool& registered,
             std::uint32_t& current, bool& always_ready);
  void remove(Sessions::iterator it);
  void begin_drain(Clock::time_point now);
  void update_listener(Clock::time_point now);
  void release_listener();
  void expire(Clock::time_point now);
  int timeout_ms(Clock::time_point now) const;
  bool finished() const;

  ServerContext& context_;
  const ServerConfig& config_;
  SharedListener* listener_;
  int epoll_fd_ = -1;
  bool stdio_ = false;
  bool listening_ = false;        // the listener is in the epoll set
  bool holds_listener_ = false;   // counted in listener_->users
  bool draining_ = false;
  Clock::time_point drain_deadline_;
  std::optional<Clock::time_point> accept_paused_until_;
  std::uint64_t next_id_ = 16;    // ids below are tags for the stop fd and listener
  Sessions sessions_;
  std::list<std::uint64_t> idle_order_;  // least recently active first
  std::deque<std::pair<Clock::time_point, std::uint64_t>> linger_deadlines_;
  std::vector<std::uint64_t> runnable_;
  std::unique_ptr<char[]> scratch_;  // kReadBuffer bytes, never initialised
};

}  // namespace linespec::reference::detail
