#include "linespec/harness/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <utility>

#include "fd.hpp"

extern char** environ;

namespace linespec::harness {

Command Command::program(std::vector<std::string> argv) {
  Command c;
  c.kind = Kind::kArgv;
  c.argv = std::move(argv);
  return c;
}

Command Command::shell(std::string line) {
  Command c;
  c.kind = Kind::kShell;
  c.line = std::move(line);
  return c;
}

std::string Command::to_string() const {
  if (kind == Kind::kShell) return line;
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  return out;
}

std::string ExitStatus::to_string() const {
  if (kind == Kind::kExited) return "exit " + std::to_string(code);
  const char* name = ::strsignal(code);
  return "signal " + std::to_string(code) + (name ? std::string(" (") + name + ")" : std::string());
}

namespace {

constexpr std::size_t kMaxLine = 4096;

// Moves fd above the standard streams, so that dup2() onto 0-2 in the child always
// creates a fresh descriptor without O_CLOEXEC.
Result<UniqueFd> above_std_streams(int fd) {
  UniqueFd owned(fd);
  if (fd > 2) return owned;
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return Error{ErrorKind::kIo, "fcntl(F_DUPFD_CLOEXEC): " + errno_text(errno)};
  return UniqueFd(moved);
}

// The child's end of one standard stream, plus the parent's end when there is one.
struct StreamEnds {
  UniqueFd child;
  UniqueFd parent;
};

Result<StreamEnds> make_stream(StreamMode mode, int target) {
  StreamEnds ends;
  switch (mode) {
    case StreamMode::kInherit:
      return ends;
    case StreamMode::kNull: {
      int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      if (fd < 0) return Error{ErrorKind::kIo, "open /dev/null: " + errno_text(errno)};
      auto child = above_std_streams(fd);
      if (!child) return child.error();
      ends.child = std::move(*child);
      return ends;
    }
    case StreamMode::kPipe: {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) return Error{ErrorKind::kIo, "pipe2: " + errno_text(errno)};
      // fds[0] reads, fds[1] writes: the child reads its stdin, writes the others.
      int child_fd = target == STDIN_FILENO ? fds[0] : fds[1];
      int parent_fd = target == STDIN_FILENO ? fds[1] : fds[0];
      auto child = above_std_streams(child_fd);
      if (!child) {
        ::close(parent_fd);
        return child.error();
      }
      ends.child = std::move(*child);
      ends.parent = UniqueFd(parent_fd);
      set_nonblocking(parent_fd);
      // Room for a chatty child between two drains (best effort, may be capped).
      if (target != STDIN_FILENO) ::fcntl(parent_fd, F_SETPIPE_SZ, 1 << 20);
      return ends;
    }
    case StreamMode::kCapture: {
      if (target != STDERR_FILENO) return usage_error("only stderr can be captured");
      int fd = ::memfd_create("linespec-stderr", MFD_CLOEXEC);
      if (fd < 0) return Error{ErrorKind::kIo, "memfd_create: " + errno_text(errno)};
      auto child = above_std_streams(fd);
      if (!child) return child.error();
      int parent = ::fcntl(child->get(), F_DUPFD_CLOEXEC, 3);
      if (parent < 0) return Error{ErrorKind::kIo, "fcntl(F_DUPFD_CLOEXEC): " + errno_text(errno)};
      ends.parent = UniqueFd(parent);
      ends.child = std::move(*child);
      return ends;
    }
  }
  return ends;
}

ExitStatus decode(int status) {
  if (WIFSIGNALED(status)) return {ExitStatus::Kind::kSignaled, WTERMSIG(status)};
  return {ExitStatus::Kind::kExited, WEXITSTATUS(status)};
}

}  // namespace

Result<ChildProcess> ChildProcess::start(const Command& command, const ProcessOptions& options) {
  std::vector<std::string> args;
  if (command.kind == Command::Kind::kShell) {
    args = {"/bin/sh", "-c", command.line};
  } else {
    args = command.argv;
  }
  if (args.empty() || args[0].empty()) return usage_error("empty command");

  auto in = make_stream(options.stdin_mode, STDIN_FILENO);
  if (!in) return in.error();
  auto out = make_stream(options.stdout_mode, STDOUT_FILENO);
  if (!out) return out.error();
  auto err = make_stream(options.stderr_mode, STDERR_FILENO);
  if (!err) return err.error();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  StreamEnds* ends[] = {&*in, &*out, &*err};
  for (int target = 0; target < 3; ++target) {
    if (ends[target]->child) posix_spawn_file_actions_adddup2(&actions, ends[target]->child.get(), target);
  }

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.own_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  // A parent that ignores SIGPIPE or SIGINT must not hand that on to the server.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signo : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM}) {
    sigaddset(&defaults, signo);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = command.kind == Command::Kind::kShell
               ? ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ)
               : ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Error{ErrorKind::kUnreachable, "cannot start '" + command.to_string() + "': " + errno_text(rc)};
  }

  ChildProcess child;
  child.command_ = command;
  child.pid_ = pid;
  child.own_group_ = options.own_process_group;
  child.pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  child.stdin_fd_ = in->parent.release();
  child.stdout_fd_ = out->parent.release();
  if (options.stderr_mode == StreamMode::kCapture) {
    child.capture_fd_ = err->parent.release();
  } else {
    child.stderr_fd_ = err->parent.release();
  }
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : command_(std::move(other.command_)),
      pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      own_group_(other.own_group_),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      stderr_fd_(std::exchange(other.stderr_fd_, -1)),
      capture_fd_(std::exchange(other.capture_fd_, -1)),
      stdout_buffer_(std::move(other.stdout_buffer_)),
      status_(std::exchange(other.status_, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this == &other) return *this;
  // The old child goes with `previous`: killed and reaped if still running.
  ChildProcess previous(std::move(*this));
  ChildProcess next(std::move(other));
  command_ = std::move(next.command_);
  pid_ = std::exchange(next.pid_, -1);
  pidfd_ = std::exchange(next.pidfd_, -1);
  own_group_ = next.own_group_;
  stdin_fd_ = std::exchange(next.stdin_fd_, -1);
  stdout_fd_ = std::exchange(next.stdout_fd_, -1);
  stderr_fd_ = std::exchange(next.stderr_fd_, -1);
  capture_fd_ = std::exchange(next.capture_fd_, -1);
  stdout_buffer_ = std::move(next.stdout_buffer_);
  status_ = std::exchange(next.status_, std::nullopt);
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    kill();
    reap(true);
  }
  close_fds();
}

void ChildProcess::close_fds() noexcept {
  close_fd(stdin_fd_);
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
  close_fd(capture_fd_);
  close_fd(pidfd_);
}

void ChildProcess::close_stdin() { close_fd(stdin_fd_); }

void ChildProcess::close_stdout() { close_fd(stdout_fd_); }

void ChildProcess::signal(int signo) {
  if (pid_ <= 0 || status_) return;  // reaped: the pid may belong to someone else now
  if (own_group_ && ::kill(-pid_, signo) == 0) return;
  ::kill(pid_, signo);
}

void ChildProcess::terminate() { signal(SIGTERM); }

void ChildProcess::kill() { signal(SIGKILL); }

std::optional<ExitStatus> ChildProcess::reap(bool block) {
  if (status_ || pid_ <= 0) return status_;
  // Look without reaping first: while the child is an unreaped zombie its pid, and
  // so its group id, cannot be reused, so killing the group is still safe.
  siginfo_t info{};
  int flags = WEXITED | WNOWAIT | (block ? 0 : WNOHANG);
  int rc;
  do {
    rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, flags);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno == ECHILD) {
    // Reaped behind our back (SIGCHLD ignored by the program): gone, status unknown.
    status_ = ExitStatus{ExitStatus::Kind::kExited, -1};
    close_fd(pidfd_);
    return status_;
  }
  if (rc != 0 || info.si_pid == 0) return std::nullopt;
  if (own_group_) ::kill(-pid_, SIGKILL);
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid_, &status, 0);
  } while (got < 0 && errno == EINTR);
  if (got == pid_) status_ = decode(status);
  close_fd(pidfd_);
  return status_;
}

std::optional<ExitStatus> ChildProcess::try_wait() { return reap(false); }

Result<ExitStatus> ChildProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (auto status = reap(false)) return *status;
    if (pid_ <= 0) return Error{ErrorKind::kIo, "no child process"};
    if (std::chrono::steady_clock::now() >= deadline) break;
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      poll_until(&p, 1, deadline);
    } else {
      // No pidfd (old kernel): poll the child with backoff, bounded by the deadline.
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(pause, deadline - std::chrono::steady_clock::now()));
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
  }
  return Error{ErrorKind::kTimeout, "'" + command_.to_string() + "' (pid " + std::to_string(pid_) +
                                        ") still running after " + std::to_string(timeout.count()) + " ms"};
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
  if (status_) return *status_;
  terminate();
  if (auto status = wait(grace)) return *status;
  kill();
  if (auto status = reap(true)) return *status;
  return {ExitStatus::Kind::kSignaled, SIGKILL};
}

Result<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto newline = stdout_buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = stdout_buffer_.substr(0, newline);
      stdout_buffer_.erase(0, newline + 1);
      return line;
    }
    if (stdout_buffer_.size() > kMaxLine) {
      return Error{ErrorKind::kIo, "a line of more than " + std::to_string(kMaxLine) + " bytes on the stdout of '" +
                                       command_.to_string() + "'"};
    }
    if (stdout_fd_ < 0) return Error{ErrorKind::kIo, "the stdout of '" + command_.to_string() + "' is not a pipe"};
    pollfd p{stdout_fd_, POLLIN, 0};
    int n = poll_until(&p, 1, deadline);
    if (n == 0) {
      return Error{ErrorKind::kTimeout, "no line on the stdout of '" + command_.to_string() + "' within " +
                                            std::to_string(timeout.count()) + " ms"};
    }
    if (n < 0) return Error{ErrorKind::kIo, "poll: " + errno_text(errno)};
    char buffer[1024];
    ssize_t got = ::read(stdout_fd_, buffer, sizeof buffer);
    if (got > 0) {
      stdout_buffer_.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0) {
      return Error{ErrorKind::kIo, "'" + command_.to_string() + "' closed its stdout before a full line"};
    } else if (errno != EAGAIN && errno != EINTR) {
      return Error{ErrorKind::kIo, "read from '" + command_.to_string() + "': " + errno_text(errno)};
    }
  }
}

namespace {

// Everything readable from a non-blocking fd right now.
std::string read_available(int fd) {
  std::string out;
  if (fd < 0) return out;
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      out.append(buffer, static_cast<std::size_t>(got));
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      return out;
    }
  }
}

}  // namespace

std::string ChildProcess::drain_stdout() {
  std::string out = std::move(stdout_buffer_);
  stdout_buffer_.clear();
  out += read_available(stdout_fd_);
  return out;
}

std::string ChildProcess::captured_stderr(std::size_t max_bytes) {
  std::string out;
  if (capture_fd_ >= 0) {
    struct stat st {};
    if (::fstat(capture_fd_, &st) != 0) return out;
    auto size = static_cast<std::size_t>(st.st_size);
    std::size_t from = size > max_bytes ? size - max_bytes : 0;
    out.resize(size - from);
    ssize_t got = ::pread(capture_fd_, out.data(), out.size(), static_cast<off_t>(from));
    out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  } else {
    out = read_available(stderr_fd_);
    if (out.size() > max_bytes) out.erase(0, out.size() - max_bytes);
  }
  return out;
}

}  // namespace linespec::harness
