#include "session.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>

namespace linespec::reference::detail {
namespace {

// Rounds of flush + read per service() call, so one busy client cannot starve the
// others on its worker.
constexpr int kRounds = 16;

}  // namespace

Session::Session(Endpoint endpoint, const Profile& profile, ConnectionLimits limits,
                 const SyscallTable& sys, int epoll_fd, Clock::time_point now)
    : endpoint_(endpoint),
      sys_(sys),
      epoll_fd_(epoll_fd),
      connection_(profile, limits),
      last_activity_(now) {}

Session::~Session() { close(); }

void Session::drain() {
  draining_ = true;
  settle_input();
}

bool Session::want_read() const noexcept {
  if (closed_ || in_eof_ || endpoint_.in_fd < 0) return false;
  // Once nothing more is served, input is read and discarded until EOF: closing
  // with unread input would reset the connection and could destroy replies in
  // flight to the client.
  if (draining_ || connection_.input_closed()) return true;
  return pending_pos_ == pending_.size() && connection_.wants_read();
}

bool Session::service(std::span<char> scratch, Clock::time_point now) {
  for (int round = 0; round < kRounds; ++round) {
    if (closed_) return false;
    bool progress = false;
    Io out = flush(now);
    if (out == Io::kClosed) return false;
    progress = out == Io::kProgress;
    if (pending_pos_ < pending_.size()) {
      std::size_t taken = connection_.on_data(std::string_view(pending_).substr(pending_pos_));
      pending_pos_ += taken;
      progress = progress || taken > 0;
    }
    settle_input();
    finish_if_done();
    if (closed_) return false;
    if (may_read_ && want_read()) {
      Io in = read_some(scratch, now);
      if (in == Io::kClosed) return false;
      progress = progress || in == Io::kProgress;
      settle_input();
      finish_if_done();
    }
    if (!progress) return false;
  }
  return !closed_;
}

// Once every byte read has been offered to the Connection, tells it about EOF or
// the drain.
void Session::settle_input() {
  if (pending_pos_ < pending_.size()) return;
  pending_.clear();
  pending_pos_ = 0;
  if (connection_.input_closed()) return;
  if (in_eof_) {
    connection_.on_eof();
  } else if (draining_) {
    connection_.finish();
  }
}

void Session::finish_if_done() {
  if (closed_ || !connection_.done()) return;
  if (in_eof_) {
    close();  // the client half-closed and has every reply: a clean close
  } else if (!write_shut_) {
    shut_write();  // refusal, drain or failure: wait for the client's EOF (or linger)
  }
}

Session::Io Session::flush(Clock::time_point now) {
  bool wrote = false;
  while (may_write_ && !connection_.output().empty() && endpoint_.out_fd >= 0) {
    std::string_view out = connection_.output();
    ssize_t n = endpoint_.out_socket
                    ? sys_.send(endpoint_.out_fd, out.data(), out.size(), MSG_NOSIGNAL)
                    : sys_.write(endpoint_.out_fd, out.data(), out.size());
    if (n > 0) {
      connection_.consume_output(static_cast<std::size_t>(n));
      last_activity_ = now;
      wrote = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) break;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      may_write_ = false;  // until the worker reports the output writable again
      break;
    }
    close();  // EPIPE, ECONNRESET, ...: the client went away
    return Io::kClosed;
  }
  return wrote ? Io::kProgress : Io::kBlocked;
}

Session::Io Session::read_some(std::span<char> scratch, Clock::time_point now) {
  for (;;) {
    ssize_t n = sys_.read(endpoint_.in_fd, scratch.data(), scratch.size());
    if (n > 0) {
      last_activity_ = now;
      // Short: the input is empty for now, and epoll reports the next bytes.
      may_read_ = static_cast<std::size_t>(n) == scratch.size();
      if (draining_ || connection_.input_closed()) return Io::kProgress;  // discarded
      std::string_view data(scratch.data(), static_cast<std::size_t>(n));
      std::size_t taken = connection_.on_data(data);
      if (taken < data.size()) {
        pending_.assign(data.substr(taken));
        pending_pos_ = 0;
      }
      return Io::kProgress;
    }
    if (n == 0) {
      in_eof_ = true;
      if (lingering()) close();
      return closed_ ? Io::kClosed : Io::kProgress;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      may_read_ = false;
      return Io::kBlocked;
    }
    close();  // ECONNRESET and the like: drop the connection
    return Io::kClosed;
  }
}

void Session::shut_write() {
  write_shut_ = true;
  if (endpoint_.out_fd < 0) return;
  if (endpoint_.out_socket) {
    ::shutdown(endpoint_.out_fd, SHUT_WR);
  } else {
    close_fd(endpoint_.out_fd, endpoint_.restore_out_flags);  // a pipe reader sees EOF
  }
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  bool shared = endpoint_.in_fd == endpoint_.out_fd;
  close_fd(endpoint_.in_fd, endpoint_.restore_in_flags);
  if (shared) {
    endpoint_.out_fd = -1;
  } else {
    close_fd(endpoint_.out_fd, endpoint_.restore_out_flags);
  }
}

void Session::close_fd(int& fd, int restore_flags) {
  if (fd < 0) return;
  // Leave the epoll set first: a duplicate of fd (stdio on one socket) would
  // otherwise keep the registration alive after close.
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  if (restore_flags >= 0) ::fcntl(fd, F_SETFL, restore_flags);
  sys_.close(fd);
  fd = -1;
}

}  // namespace linespec::reference::detail
