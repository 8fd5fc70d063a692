// ClientSession: starting the client, the poll loop, and finish(). The kit's moves
// are in session_moves.cpp.
#include "linespec/conformance/client/session.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include "kit_connection.hpp"

namespace linespec::conformance {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxClientBytes = 16u << 20;  // the kit stops reading a client beyond this
constexpr std::size_t kMaxOutput = 1u << 20;        // stdout kept for the verdict
constexpr std::size_t kStderrTail = 2048;
// After the client ended, how long its last bytes and its output may take to show.
constexpr milliseconds kAfterExit{500};
// How long a client that closed its end may take to show its exit.
constexpr milliseconds kExitAfterClose{10};
// Without a pidfd the loop looks at the child this often.
constexpr milliseconds kExitPoll{5};

std::string ms_text(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<milliseconds>(d).count()) + " ms";
}

bool could_not_run(const harness::ExitStatus& status) {
  return status.kind == harness::ExitStatus::Kind::kExited && (status.code == 126 || status.code == 127);
}

// The last non-empty line of `text`, for one-line messages.
std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::size_t from = text.find_last_of('\n');
  return std::string(from == std::string_view::npos ? text : text.substr(from + 1));
}

}  // namespace

milliseconds kill_bound(milliseconds timeout) { return timeout + timeout / 2; }

milliseconds slow_pause(milliseconds timeout) { return timeout / 10; }

milliseconds quiet_period(milliseconds timeout) {
  return std::clamp(timeout / 20, milliseconds(20), milliseconds(100));
}

ClientSession::ClientSession(const ClientSuiteConfig& config) : config_(config), model_(config.profile) { start(); }

ClientSession::~ClientSession() {
  connection_.reset();
  listener_.reset();
  child_.reset();  // kills and reaps a client still running
  if (pidfd_ >= 0) ::close(pidfd_);
  if (!temp_dir_.empty()) ::rmdir(temp_dir_.c_str());
}

std::size_t ClientSession::records() const { return model_.records().size(); }

void ClientSession::start() {
  Address address;
  ClientTransport transport = config_.command.transport;
  if (transport != ClientTransport::kStdio) {
    auto open_listener = [&]() -> Result<KitListener> {
      if (transport == ClientTransport::kTcp) return KitListener::open_tcp();
      char dir[] = "/tmp/linespec-client-XXXXXX";
      if (::mkdtemp(dir) == nullptr) {
        return Error{ErrorKind::kIo, "cannot create a folder for the unix socket under /tmp"};
      }
      temp_dir_ = dir;
      return KitListener::open_unix(temp_dir_ + "/s");
    };
    auto listener = open_listener();
    if (!listener) {
      unrunnable_ = listener.error();
      return;
    }
    listener_ = std::make_unique<KitListener>(std::move(*listener));
    address = listener_->address();
  }
  line_ = config_.command.line_for(address);

  harness::ProcessOptions options;
  options.stdin_mode = transport == ClientTransport::kStdio ? harness::StreamMode::kPipe : harness::StreamMode::kNull;
  options.stdout_mode = harness::StreamMode::kPipe;
  options.stderr_mode = harness::StreamMode::kCapture;
  started_ = Clock::now();
  bound_ = started_ + kill_bound(config_.timeout);
  last_client_bytes_at_ = started_;
  auto child = harness::ChildProcess::start(harness::Command::shell(line_), options);
  if (!child) {
    unrunnable_ =
        Error{ErrorKind::kUnreachable, "cannot run the client command '" + line_ + "': " + child.error().message};
    return;
  }
  child_.emplace(std::move(*child));
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, child_->pid(), 0));
  if (transport == ClientTransport::kStdio) {
    connection_ = std::make_unique<StdioConnection>(*child_);
    ever_connected_ = true;
  } else {
    await_connection();
  }
  if (connection_) {
    auto delivery = harness::make_delivery(harness::DeliveryOptions{}, *connection_);
    if (delivery) {
      delivery_ = std::move(*delivery);
      delivery_name_ = delivery_->name();
    }
  }
}

void ClientSession::await_connection() {
  while (!connection_ && !exit_) pump(bound_, false);
  // A client that connected and ended at once left its connection in the backlog.
  if (!connection_) accept_connection();
}

void ClientSession::accept_connection() {
  if (!listener_ || connection_) return;
  connection_ = listener_->accept();
  if (!connection_) return;
  ever_connected_ = true;
  // One connection per run: a client that connects again is refused.
  listener_->close();
}

void ClientSession::pump(Clock::time_point until, bool want_write) {
  if (!exit_ && child_ && Clock::now() >= bound_) {
    kill_client();
    return;
  }
  std::array<pollfd, 5> fds{};
  nfds_t count = 0;
  auto add = [&](int fd, short events) {
    fds[count] = pollfd{fd, events, 0};
    return static_cast<int>(count++);
  };
  int listen_at = -1;
  int read_at = -1;
  int output_at = -1;
  int exit_at = -1;
  if (listener_ && listener_->fd() >= 0 && !connection_) listen_at = add(listener_->fd(), POLLIN);
  if (connection_) {
    int in = connection_->read_fd();
    int out = connection_->write_fd();
    bool reading = in >= 0 && !client_eof_;
    bool writing = want_write && out >= 0 && can_write();
    if (in == out && (reading || writing)) {
      read_at = add(in, static_cast<short>((reading ? POLLIN : 0) | (writing ? POLLOUT : 0)));
    } else {
      if (reading) read_at = add(in, POLLIN);
      if (writing) add(out, POLLOUT);
    }
  }
  bool stdio = config_.command.transport == ClientTransport::kStdio;
  if (child_ && !stdio && child_->stdout_fd() >= 0) output_at = add(child_->stdout_fd(), POLLIN);
  if (child_ && !exit_ && pidfd_ >= 0) exit_at = add(pidfd_, POLLIN);

  Clock::time_point wake = exit_ ? until : std::min(until, bound_);
  Clock::duration left = std::max(wake - Clock::now(), Clock::duration::zero());
  if (child_ && !exit_ && pidfd_ < 0) left = std::min<Clock::duration>(left, kExitPoll);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
  timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  int ready = ::ppoll(fds.data(), count, &timeout, nullptr);
  if (ready < 0) return;  // EINTR: the caller loops

  if (listen_at >= 0 && fds[listen_at].revents != 0) accept_connection();
  if (read_at >= 0 && (fds[read_at].revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_client();
  if (output_at >= 0 && fds[output_at].revents != 0) read_output();
  if ((exit_at >= 0 && fds[exit_at].revents != 0) || (child_ && pidfd_ < 0)) notice_exit();
  if (!exit_ && child_ && Clock::now() >= bound_) kill_client();
}

void ClientSession::read_client() {
  std::array<char, 16384> buffer;
  harness::IoResult r = connection_->read_some(buffer.data(), buffer.size());
  switch (r.state) {
    case harness::IoResult::State::kOk: {
      std::string_view bytes(buffer.data(), r.bytes);
      client_bytes_.append(bytes);
      model_.feed(bytes);
      last_client_bytes_at_ = Clock::now();
      if (client_bytes_.size() >= kMaxClientBytes) {
        client_eof_ = true;
        tell("stopped reading: the client sent more than " + std::to_string(kMaxClientBytes) + " bytes");
      }
      return;
    }
    case harness::IoResult::State::kWouldBlock: return;
    case harness::IoResult::State::kEof:
      // A client that exits closes its end a moment before its exit shows: only an
      // end it outlives is a half-close.
      await_exit(kExitAfterClose);
      client_half_closed_ = !exit_;
      fragment_at_end_ = model_.fragment();
      model_.end_of_stream();
      break;
    case harness::IoResult::State::kReset:
      client_reset_ = true;
      fragment_at_end_ = model_.fragment();
      break;
    case harness::IoResult::State::kError: fragment_at_end_ = model_.fragment(); break;
  }
  client_eof_ = true;
}

void ClientSession::read_output() {
  std::array<char, 16384> buffer;
  // A bounded number of reads per round: a client that prints without end must not
  // keep the loop from its other duties (and from the bound).
  for (int round = 0; round < 16; ++round) {
    ssize_t n = ::read(child_->stdout_fd(), buffer.data(), buffer.size());
    if (n > 0) {
      std::size_t room = kMaxOutput - std::min(kMaxOutput, output_.size());
      output_.append(buffer.data(), std::min(room, static_cast<std::size_t>(n)));
      continue;
    }
    if (n == 0 || (errno != EINTR && errno != EAGAIN)) child_->close_stdout();
    if (n < 0 && errno == EINTR) continue;
    return;
  }
}

void ClientSession::await_exit(milliseconds at_most) {
  if (exit_ || !child_) return;
  if (child_->wait(at_most)) notice_exit();
}

void ClientSession::notice_exit() {
  if (exit_ || !child_) return;
  if (auto status = child_->try_wait()) {
    exit_ = *status;
    ended_at_ = Clock::now();
  }
}

void ClientSession::kill_client() {
  child_->kill();
  auto status = child_->wait(milliseconds(2000));
  exit_ = status ? *status : harness::ExitStatus{harness::ExitStatus::Kind::kSignaled, SIGKILL};
  killed_ = true;
  ended_at_ = Clock::now();
}

void ClientSession::tell(std::string step) { story_.push_back(std::move(step)); }

ClientRun ClientSession::finish() {
  ClientRun run;
  run.transport = config_.command.transport;
  if (finished_ || !child_) {
    run.kit_story = "nothing: the client command did not start";
    return run;
  }
  finished_ = true;
  while (!exit_) pump(bound_, false);
  // Its last bytes and output: its end of the connection and its stdout close with it.
  Clock::time_point until = Clock::now() + kAfterExit;
  auto pending = [&] {
    bool connection_open = connection_ && connection_->read_fd() >= 0 && !client_eof_;
    bool output_open = config_.command.transport != ClientTransport::kStdio && child_->stdout_fd() >= 0;
    return connection_open || output_open;
  };
  while (pending() && Clock::now() < until) pump(until, false);
  if (!client_eof_) fragment_at_end_ = model_.fragment();

  run.connected = ever_connected_;
  run.sent = client_bytes_;
  run.records = model_.records().size();
  run.stream = profile().reply == ReplyKind::kStream;
  run.final_fragment = fragment_at_end_;
  run.sent_before_greeting = sent_before_greeting_;
  run.half_closed = client_half_closed_;
  run.reset = client_reset_;
  run.waited_for_close = waited_for_close_;
  run.exit = exit_;
  run.killed = killed_;
  run.ran_for = std::chrono::duration_cast<milliseconds>(ended_at_ - started_);
  run.output = output_;
  run.error_tail = child_->captured_stderr(kStderrTail);
  run.most_records_per_answer = most_records_per_answer_;
  // The kill ends the run, whatever move was under way.
  if (killed_) tell("killed the client, still running " + ms_text(ended_at_ - started_) + " after it started");
  for (const std::string& step : story_) run.kit_story += (run.kit_story.empty() ? "" : ", then ") + step;
  if (run.kit_story.empty()) run.kit_story = "nothing";

  bool silent = !ever_connected_ || (config_.command.transport == ClientTransport::kStdio && client_bytes_.empty());
  if (could_not_run(*exit_) && silent) {
    std::string why = last_line(run.error_tail);
    unrunnable_ = Error{ErrorKind::kUnreachable, "the client command could not be run: '" + line_ + "' ended with " +
                                                     exit_->to_string() + (why.empty() ? "" : " (" + why + ")")};
  }
  connection_.reset();
  if (listener_) listener_->close();
  return run;
}

}  // namespace linespec::conformance
