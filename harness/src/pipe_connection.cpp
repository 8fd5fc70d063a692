#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <utility>

#include "connections.hpp"
#include "fd.hpp"

namespace linespec::harness {

namespace {

// How long a child may take to exit on its own once its pipes are closed.
constexpr std::chrono::milliseconds kExitGrace{200};

// write() to a pipe whose reader is gone raises SIGPIPE. Block it in this thread for
// the call and swallow the one the write raised, so the process disposition stays
// the program's business.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_only;
  sigset_t old_mask;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
  sigset_t pending;
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  ssize_t n = ::write(fd, data, size);
  int saved = errno;
  if (n < 0 && saved == EPIPE && !was_pending) {
    timespec zero{};
    while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return n;
}

}  // namespace

PipeConnection::PipeConnection(ChildProcess child, std::string description)
    : child_(std::move(child)), description_(std::move(description)) {}

PipeConnection::~PipeConnection() { close(); }

IoResult PipeConnection::read_some(char* buffer, std::size_t capacity) {
  int fd = child_.stdout_fd();
  if (fd < 0) return {IoResult::State::kError, 0, EBADF};
  for (;;) {
    ssize_t n = ::read(fd, buffer, capacity);
    if (n > 0) return {IoResult::State::kOk, static_cast<std::size_t>(n), 0};
    if (n == 0) return {IoResult::State::kEof, 0, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return {IoResult::State::kWouldBlock, 0, 0};
    return {IoResult::State::kError, 0, errno};
  }
}

IoResult PipeConnection::write_some(std::string_view bytes) {
  int fd = child_.stdin_fd();
  if (fd < 0) return {IoResult::State::kError, 0, EBADF};
  for (;;) {
    ssize_t n = write_without_sigpipe(fd, bytes.data(), bytes.size());
    if (n >= 0) return {IoResult::State::kOk, static_cast<std::size_t>(n), 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return {IoResult::State::kWouldBlock, 0, 0};
    if (errno == EPIPE) return {IoResult::State::kReset, 0, errno};
    return {IoResult::State::kError, 0, errno};
  }
}

Status PipeConnection::shutdown_write() {
  child_.close_stdin();
  return {};
}

void PipeConnection::end_child() {
  if (child_.pid() <= 0 || child_.exit_status()) return;
  if (!child_.wait(kExitGrace)) {
    // It outlived the session.
    child_.kill();
    (void)child_.wait(std::chrono::seconds(5));
  }
}

void PipeConnection::close() {
  child_.close_stdin();
  child_.close_stdout();
  end_child();
}

void PipeConnection::reset() {
  child_.kill();
  close();
}

std::string PipeConnection::diagnostics() {
  std::string out;
  if (auto status = child_.try_wait()) {
    out = "exec child " + std::to_string(child_.pid()) + " ended with " + status->to_string();
  } else if (child_.pid() > 0) {
    out = "exec child " + std::to_string(child_.pid()) + " still running";
  }
  std::string tail = child_.captured_stderr(2048);
  if (!tail.empty()) out += "; stderr: " + tail;
  return out;
}

std::optional<Error> PipeConnection::failure() {
  // The shell says 127 for "not found" and 126 for "not executable".
  auto status = child_.try_wait();
  if (!status && child_.stdout_fd() < 0) status = child_.exit_status();
  if (!status || status->kind != ExitStatus::Kind::kExited || (status->code != 126 && status->code != 127)) {
    return std::nullopt;
  }
  std::string tail = child_.captured_stderr(512);
  while (!tail.empty() && tail.back() == '\n') tail.pop_back();
  return Error{ErrorKind::kUnreachable, "cannot run exec:" + child_.command().line + " (" + status->to_string() +
                                            (tail.empty() ? ")" : "): " + tail)};
}

Result<std::unique_ptr<Connection>> connect_exec(const Target& target, const ConnectOptions& options) {
  ProcessOptions process_options;
  process_options.stdin_mode = StreamMode::kPipe;
  process_options.stdout_mode = StreamMode::kPipe;
  process_options.stderr_mode = options.capture_exec_stderr ? StreamMode::kCapture : StreamMode::kInherit;
  auto child = ChildProcess::start(Command::shell(target.command), process_options);
  if (!child) {
    return Error{ErrorKind::kUnreachable, "cannot start " + target.to_string() + ": " + child.error().message};
  }
  std::string description = target.to_string() + " (pid " + std::to_string(child->pid()) + ")";
  return std::unique_ptr<Connection>(std::make_unique<PipeConnection>(std::move(*child), std::move(description)));
}

}  // namespace linespec::harness
