#include "linespec/harness/session.hpp"

#include <poll.h>

#include <algorithm>
#include <functional>
#include <utility>

#include "fd.hpp"

namespace linespec::harness {

Step Step::send(std::string bytes, bool wait_consumed) {
  Step s;
  s.kind = Kind::kSend;
  s.bytes = std::move(bytes);
  s.wait_consumed = wait_consumed;
  return s;
}

Step Step::pause(std::chrono::milliseconds duration) {
  Step s;
  s.kind = Kind::kPause;
  s.duration = duration;
  return s;
}

Step Step::expect(std::size_t total_bytes) {
  Step s;
  s.kind = Kind::kExpect;
  s.total_bytes = total_bytes;
  return s;
}

Step Step::drain(std::chrono::milliseconds quiet) {
  Step s;
  s.kind = Kind::kDrain;
  s.duration = quiet;
  return s;
}

Step Step::close(CloseMode mode) {
  Step s;
  s.kind = Kind::kClose;
  s.close_mode = mode;
  return s;
}

void append_chunks(Plan& plan, std::string_view bytes, const std::vector<std::size_t>& sizes) {
  for (std::size_t size : sizes) {
    if (bytes.empty()) return;
    if (size == 0) continue;
    size = std::min(size, bytes.size());
    plan.push_back(Step::send(std::string(bytes.substr(0, size))));
    bytes.remove_prefix(size);
  }
  if (!bytes.empty()) plan.push_back(Step::send(std::string(bytes)));
}

std::string_view to_string(Ending ending) {
  switch (ending) {
    case Ending::kOpen: return "open";
    case Ending::kClosedByHarness: return "closed by harness";
    case Ending::kPeerClosed: return "peer closed";
    case Ending::kPeerReset: return "peer reset";
    case Ending::kInactivity: return "inactivity timeout";
    case Ending::kHardCap: return "hard cap";
    case Ending::kFlooded: return "flooded";
    case Ending::kError: return "error";
  }
  return "?";
}

// What a pump() call waits for, besides the session's own limits.
struct Session::PumpGoal {
  std::function<bool()> done = [] { return false; };
  std::optional<Clock::time_point> until;         // come back kTimeUp at this time
  std::optional<std::chrono::microseconds> quiet;  // come back kTimeUp after this much silence
  bool inactivity_ends = true;                    // silence for the inactivity timeout ends the session
};

Session::Session(std::unique_ptr<Connection> connection, std::unique_ptr<Delivery> delivery,
                 const SessionOptions& options, Transcript transcript)
    : options_(options),
      connection_(std::move(connection)),
      delivery_(std::move(delivery)),
      delivery_name_(delivery_->name()),
      transcript_(std::move(transcript)),
      last_activity_(Clock::now()) {}

Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;  // the Connection closes whatever is still open

Result<Session> Session::open(const Target& target, const SessionOptions& options) {
  Transcript transcript;
  auto connection = connect(target, options.connect);
  if (!connection) return connection.error();
  transcript.add_note(TranscriptEvent::Kind::kConnect, (*connection)->describe());
  auto delivery = make_delivery(options.delivery, **connection);
  if (!delivery) return delivery.error();
  return Session(std::move(*connection), std::move(*delivery), options, std::move(transcript));
}

Result<Session> Session::adopt(std::unique_ptr<Connection> connection, const SessionOptions& options) {
  Transcript transcript;
  transcript.add_note(TranscriptEvent::Kind::kConnect, connection->describe());
  auto delivery = make_delivery(options.delivery, *connection);
  if (!delivery) return delivery.error();
  return Session(std::move(connection), std::move(*delivery), options, std::move(transcript));
}

void Session::end(Ending ending, TranscriptEvent::Kind kind, std::string note) {
  if (ending_) return;
  ending_ = ending;
  transcript_.add_note(kind, std::move(note));
}

void Session::read_available() {
  // Bounded per call so that a fast sender cannot starve our own writes.
  constexpr std::size_t kPerCall = 1 << 20;
  char buffer[64 * 1024];
  std::size_t taken = 0;
  while (!ending_ && taken < kPerCall && connection_->read_fd() >= 0) {
    IoResult r = connection_->read_some(buffer, sizeof buffer);
    switch (r.state) {
      case IoResult::State::kOk: {
        taken += r.bytes;
        last_activity_ = Clock::now();
        std::size_t room = options_.max_received - std::min(options_.max_received, received_.size());
        std::size_t kept = std::min(room, r.bytes);
        received_.append(buffer, kept);
        transcript_.add(TranscriptEvent::Kind::kReceive, std::string_view(buffer, r.bytes));
        if (kept < r.bytes) {
          end(Ending::kFlooded, TranscriptEvent::Kind::kFlooded,
              "more than " + std::to_string(options_.max_received) + " bytes received");
        }
        continue;
      }
      case IoResult::State::kWouldBlock:
        return;
      case IoResult::State::kEof:
        end(Ending::kPeerClosed, TranscriptEvent::Kind::kPeerEof, {});
        return;
      case IoResult::State::kReset:
        end(Ending::kPeerReset, TranscriptEvent::Kind::kPeerReset, errno_text(r.error));
        return;
      case IoResult::State::kError:
        error_ = Error{ErrorKind::kIo, "reading from " + connection_->describe() + ": " + errno_text(r.error)};
        end(Ending::kError, TranscriptEvent::Kind::kError, error_->message);
        return;
    }
  }
}

Session::Wait Session::pump(const PumpGoal& goal, std::string_view* to_write) {
  const auto hard_deadline = transcript_.start() + options_.hard_cap;
  // Take what arrived while nobody pumped this session (its script was busy with
  // other connections) before judging silence: those bytes were not silence.
  read_available();
  for (;;) {
    if (ending_) return Wait::kEnded;
    if (goal.done()) return Wait::kDone;
    auto now = Clock::now();
    if (now >= hard_deadline) {
      end(Ending::kHardCap, TranscriptEvent::Kind::kTimeout,
          "hard cap of " + std::to_string(options_.hard_cap.count()) + " ms");
      return Wait::kEnded;
    }
    auto inactive_at = last_activity_ + options_.inactivity_timeout;
    if (goal.inactivity_ends && now >= inactive_at) {
      end(Ending::kInactivity, TranscriptEvent::Kind::kTimeout,
          "nothing moved for " + std::to_string(options_.inactivity_timeout.count()) + " ms");
      return Wait::kEnded;
    }
    if (goal.until && now >= *goal.until) return Wait::kTimeUp;
    if (goal.quiet && now >= last_activity_ + *goal.quiet) return Wait::kTimeUp;

    auto wake = hard_deadline;
    if (goal.inactivity_ends) wake = std::min(wake, inactive_at);
    if (goal.until) wake = std::min(wake, *goal.until);
    if (goal.quiet) wake = std::min(wake, last_activity_ + *goal.quiet);

    pollfd fds[2];
    nfds_t count = 0;
    int read_fd = connection_->read_fd();
    bool writing = to_write != nullptr && !to_write->empty();
    if (read_fd >= 0) fds[count++] = {read_fd, POLLIN, 0};
    int write_fd = writing ? connection_->write_fd() : -1;
    if (writing && write_fd < 0) {
      error_ = Error{ErrorKind::kIo, "cannot write to " + connection_->describe() + ": its write side is closed"};
      end(Ending::kError, TranscriptEvent::Kind::kError, error_->message);
      return Wait::kEnded;
    }
    if (writing && write_fd == read_fd) {
      fds[0].events |= POLLOUT;
    } else if (writing) {
      fds[count++] = {write_fd, POLLOUT, 0};
    }
    auto left = std::max(wake - Clock::now(), Clock::duration::zero());
    auto left_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec timeout{static_cast<time_t>(left_ns / 1'000'000'000), static_cast<long>(left_ns % 1'000'000'000)};
    int n = ::ppoll(fds, count, &timeout, nullptr);
    if (n < 0 && errno != EINTR) {
      error_ = Error{ErrorKind::kIo, std::string("poll: ") + errno_text(errno)};
      end(Ending::kError, TranscriptEvent::Kind::kError, error_->message);
      return Wait::kEnded;
    }
    if (n <= 0) continue;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].fd == read_fd && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_available();
    }
    if (ending_ || !writing) continue;
    bool can_write = false;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].fd == write_fd && (fds[i].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) can_write = true;
    }
    if (!can_write) continue;
    IoResult r = connection_->write_some(*to_write);
    switch (r.state) {
      case IoResult::State::kOk:
        to_write->remove_prefix(r.bytes);
        sent_bytes_ += r.bytes;
        last_activity_ = Clock::now();
        break;
      case IoResult::State::kWouldBlock:
      case IoResult::State::kEof:
        break;
      case IoResult::State::kReset:
        read_available();  // what the peer said before it went away
        end(Ending::kPeerReset, TranscriptEvent::Kind::kPeerReset, "on write: " + errno_text(r.error));
        break;
      case IoResult::State::kError:
        error_ = Error{ErrorKind::kIo, "writing to " + connection_->describe() + ": " + errno_text(r.error)};
        end(Ending::kError, TranscriptEvent::Kind::kError, error_->message);
        break;
    }
  }
}

bool Session::wait_until_consumed() {
  auto started = Clock::now();
  delivery_->chunk_written(sent_bytes_);
  for (int attempt = 0;; ++attempt) {
    auto consumed = delivery_->consumed();
    if (!consumed) {
      // The exact measure stopped working: say so and fall back to a pause.
      transcript_.add_note(TranscriptEvent::Kind::kNote, consumed.error().message);
      delivery_ = make_delivery(DeliveryOptions{DeliveryKind::kPause, options_.delivery.pause}, *connection_).value();
      delivery_name_ += ", then " + delivery_->name();
      delivery_->chunk_written(sent_bytes_);
      continue;
    }
    if (*consumed) {
      auto waited = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
      transcript_.add_note(TranscriptEvent::Kind::kDelivered, delivery_->name() + ", " +
                                                                 std::to_string(waited.count()) + " us");
      return true;
    }
    PumpGoal goal;
    goal.until = Clock::now() + delivery_->retry_after(attempt);
    if (pump(goal) == Wait::kEnded) return false;
  }
}

bool Session::send(std::string_view bytes, bool wait_consumed) {
  if (ending_) return false;
  if (write_closed_) {
    error_ = Error{ErrorKind::kUsage, "the plan sends after closing the write side"};
    end(Ending::kError, TranscriptEvent::Kind::kError, error_->message);
    return false;
  }
  transcript_.add(TranscriptEvent::Kind::kSend, bytes);
  std::string_view left = bytes;
  PumpGoal goal;
  goal.done = [&left] { return left.empty(); };
  if (pump(goal, &left) == Wait::kEnded) {
    if (!left.empty()) {
      transcript_.add_note(TranscriptEvent::Kind::kNote, "only " + std::to_string(bytes.size() - left.size()) +
                                                             " of " + std::to_string(bytes.size()) + " bytes written");
    }
    return false;
  }
  if (wait_consumed) return wait_until_consumed();
  return true;
}

bool Session::pause(std::chrono::milliseconds duration) {
  if (ending_) return false;
  transcript_.add_note(TranscriptEvent::Kind::kPause, std::to_string(duration.count()) + " ms");
  PumpGoal goal;
  goal.until = Clock::now() + duration;
  goal.inactivity_ends = false;
  return pump(goal) != Wait::kEnded;
}

bool Session::expect(std::size_t total_bytes) {
  if (ending_) return false;
  PumpGoal goal;
  goal.done = [this, total_bytes] { return received_.size() >= total_bytes; };
  return pump(goal) != Wait::kEnded;
}

bool Session::drain(std::chrono::milliseconds quiet) {
  if (ending_) return false;
  // Silence counts from now, not from whatever moved last.
  last_activity_ = std::max(last_activity_, Clock::now());
  PumpGoal goal;
  goal.quiet = quiet;
  goal.inactivity_ends = false;
  return pump(goal) != Wait::kEnded;
}

bool Session::close(CloseMode mode) {
  if (ending_) return false;
  switch (mode) {
    case CloseMode::kHalfClose: {
      write_closed_ = true;
      transcript_.add_note(TranscriptEvent::Kind::kShutdownWrite, {});
      if (auto status = connection_->shutdown_write(); !status) {
        error_ = status.error();
        end(Ending::kError, TranscriptEvent::Kind::kError, error_->message);
        return false;
      }
      last_activity_ = Clock::now();
      pump(PumpGoal{});  // until the peer closes, or a limit
      return false;
    }
    case CloseMode::kFull:
      connection_->close();
      connection_closed_ = true;
      end(Ending::kClosedByHarness, TranscriptEvent::Kind::kClose, {});
      return false;
    case CloseMode::kReset:
      connection_->reset();
      connection_closed_ = true;
      end(Ending::kClosedByHarness, TranscriptEvent::Kind::kReset, {});
      return false;
  }
  return false;
}

bool Session::run(const Step& step) {
  switch (step.kind) {
    case Step::Kind::kSend: return send(step.bytes, step.wait_consumed);
    case Step::Kind::kPause: return pause(step.duration);
    case Step::Kind::kExpect: return expect(step.total_bytes);
    case Step::Kind::kDrain: return drain(step.duration);
    case Step::Kind::kClose: return close(step.close_mode);
  }
  return false;
}

bool Session::run(const Plan& plan) {
  for (const Step& step : plan) {
    if (!run(step)) return false;
  }
  return !ending_;
}

SessionResult Session::finish() {
  SessionResult result;
  if (!ending_) {
    end(Ending::kOpen, TranscriptEvent::Kind::kClose, "end of plan");
  }
  if (!connection_closed_) {
    connection_->close();
    connection_closed_ = true;
  }
  if (auto failure = connection_->failure();
      failure && (ending_ == Ending::kPeerClosed || ending_ == Ending::kPeerReset)) {
    ending_ = Ending::kError;
    error_ = *failure;
    transcript_.add_note(TranscriptEvent::Kind::kError, failure->message);
  }
  result.ending = *ending_;
  result.received = std::move(received_);
  result.sent_bytes = sent_bytes_;
  result.delivery = delivery_name_;
  result.diagnostics = connection_->diagnostics();
  result.error = std::move(error_);
  result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - transcript_.start());
  result.transcript = std::move(transcript_);
  return result;
}

SessionResult run_session(const Target& target, const Plan& plan, const SessionOptions& options) {
  auto session = Session::open(target, options);
  if (!session) {
    SessionResult result;
    result.ending = Ending::kError;
    result.error = session.error();
    result.transcript.add_note(TranscriptEvent::Kind::kError, session.error().message);
    return result;
  }
  session->run(plan);
  return session->finish();
}

}  // namespace linespec::harness
