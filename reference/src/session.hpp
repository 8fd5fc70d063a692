// One client of the reference server: moves bytes between its descriptors and the
// sans-I/O Connection, without ever blocking. Owned by the Worker whose epoll
// watches its descriptors; only that worker's thread touches it.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

#include "linespec/reference/connection.hpp"
#include "linespec/reference/syscalls.hpp"

namespace linespec::reference::detail {

using Clock = std::chrono::steady_clock;

// Where a session reads and writes. A socket is one descriptor; stdio may be two
// (pipes, files) or two descriptors of one socket.
struct Endpoint {
  int in_fd = -1;
  int out_fd = -1;
  bool out_socket = false;     // replies go out with send(MSG_NOSIGNAL)
  int restore_in_flags = -1;   // stdio: file status flags to put back before closing
  int restore_out_flags = -1;
};

class Session {
 public:
  // `epoll_fd` watches the endpoint's descriptors; they leave it before closing.
  Session(Endpoint endpoint, const Profile& profile, ConnectionLimits limits,
          const SyscallTable& sys, int epoll_fd, Clock::time_point now);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void open() { connection_.on_open(); }
  void refuse() { connection_.refuse(); }
  // The server is stopping: replies owed are sent, then the write side is shut.
  void drain();

  // Readiness reported by epoll (or known, for descriptors epoll refuses). A read
  // that comes back short or blocked, or a write that blocks, makes the session
  // wait for the next such report instead of trying again: the worker keeps the
  // input registered while want_read(), and arms the output after a blocked write,
  // so no report is missed.
  void readable() noexcept { may_read_ = true; }
  void writable() noexcept { may_write_ = true; }

  // Reads and writes until nothing more can happen without blocking, or the
  // budget runs out; returns true in that case (call again soon, even without an
  // event). `scratch` is the worker's read buffer.
  bool service(std::span<char> scratch, Clock::time_point now);

  // Abrupt close (idle timeout, drain deadline). Idempotent.
  void close();

  bool closed() const noexcept { return closed_; }
  bool lingering() const noexcept { return write_shut_ && !closed_; }
  bool want_read() const noexcept;
  bool want_write() const noexcept { return !closed_ && !connection_.output().empty(); }
  // Replies are waiting and the last write blocked: only a writable report helps.
  bool write_blocked() const noexcept { return want_write() && !may_write_; }
  Clock::time_point last_activity() const noexcept { return last_activity_; }
  const Endpoint& endpoint() const noexcept { return endpoint_; }

 private:
  enum class Io { kProgress, kBlocked, kClosed };
  Io flush(Clock::time_point now);
  // Reads once into `scratch`; clears may_read_ when the read came back short or blocked.
  Io read_some(std::span<char> scratch, Clock::time_point now);
  void settle_input();
  void finish_if_done();
  void shut_write();
  void close_fd(int& fd, int restore_flags);

  Endpoint endpoint_;
  const SyscallTable& sys_;
  int epoll_fd_;
  Connection connection_;
  std::string pending_;        // input the Connection did not take yet (back-pressure)
  std::size_t pending_pos_ = 0;
  Clock::time_point last_activity_;
  // The first read waits for epoll: a new client has rarely sent anything yet.
  bool may_read_ = false;
  bool may_write_ = true;
  bool draining_ = false;
  bool in_eof_ = false;
  bool write_shut_ = false;
  bool closed_ = false;
};

}  // namespace linespec::reference::detail
