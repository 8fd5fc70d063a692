// Child processes for the harness: servers under test started from a command line,
// and `exec:` targets run once per connection. A ChildProcess owns its pid and the
// parent ends of its pipes; it kills and reaps the child when destroyed, so nothing
// outlives it (no zombies, no leaked fds: every fd is O_CLOEXEC). One thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::harness {

// A program to start: an argv vector run directly (PATH searched), or a command
// line run as `/bin/sh -c LINE` exactly as the user typed it.
struct Command {
  enum class Kind { kArgv, kShell };
  Kind kind = Kind::kArgv;
  std::vector<std::string> argv;  // kArgv: program, then its arguments
  std::string line;               // kShell: the shell command line

  static Command program(std::vector<std::string> argv);
  static Command shell(std::string line);
  // For messages: the shell line, or the argv joined with spaces.
  std::string to_string() const;
};

// What each standard stream of the child is connected to.
enum class StreamMode {
  kInherit,  // the parent's own stream
  kNull,     // /dev/null
  kPipe,     // a pipe whose parent end the ChildProcess owns (non-blocking)
  kCapture,  // stderr only: kept in an anonymous file, never blocks the child,
             // read back with ChildProcess::captured_stderr()
};

struct ProcessOptions {
  StreamMode stdin_mode = StreamMode::kNull;
  StreamMode stdout_mode = StreamMode::kInherit;
  StreamMode stderr_mode = StreamMode::kInherit;
  // The child leads a new process group, and terminate()/kill() and the destructor
  // signal the whole group, so `sh -c 'a | b'` leaves no grandchildren behind.
  bool own_process_group = true;
};

// How a child ended: its exit code, or the signal that killed it.
struct ExitStatus {
  enum class Kind { kExited, kSignaled };
  Kind kind = Kind::kExited;
  int code = 0;  // the exit code (kExited) or the signal number (kSignaled)

  bool success() const { return kind == Kind::kExited && code == 0; }
  // "exit 0", "exit 3", "signal 9 (Killed)".
  std::string to_string() const;
  bool operator==(const ExitStatus&) const = default;
};

class ChildProcess {
 public:
  // Starts the command. Errors: kUnreachable when the program cannot be started
  // (no such file, not executable), kUsage for an empty command, kIo when a system
  // call fails. A shell line always starts; "not found" shows as exit 127.
  static Result<ChildProcess> start(const Command& command, const ProcessOptions& options = {});

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills (SIGKILL, the whole group) and reaps the child if it is still running.
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  const Command& command() const { return command_; }

  // Parent ends of the pipes (non-blocking, O_CLOEXEC), -1 when not piped or closed.
  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }
  void close_stdin();
  void close_stdout();

  // Reads one line from the child's stdout, returned without its "\n". Bytes after
  // the line stay buffered for the next call. Errors: kTimeout when no full line
  // arrived in time, kIo when stdout ended (EOF) first or the line exceeds 4 KiB.
  Result<std::string> read_line(std::chrono::milliseconds timeout);
  // Reads whatever the child has written to its stdout pipe so far, without
  // blocking (bytes buffered by read_line first), so a chatty child never stalls.
  std::string drain_stdout();

  // StreamMode::kCapture: the last `max_bytes` the child wrote to stderr (any time,
  // also after it exited). With kPipe: what can be read now without blocking.
  std::string captured_stderr(std::size_t max_bytes = 4096);

  // Signals the child (its group with own_process_group). Harmless once it exited.
  void terminate();  // SIGTERM
  void kill();       // SIGKILL
  void signal(int signo);

  // The exit status if the child has ended (reaps it), without blocking. Once the
  // child ended, what is left of its process group is killed.
  std::optional<ExitStatus> try_wait();
  // Waits up to `timeout` for the child to end (on a pidfd; polls with backoff only
  // where the kernel has none).
  // Error kTimeout if it is still running.
  Result<ExitStatus> wait(std::chrono::milliseconds timeout);
  // terminate(), wait up to `grace`, then kill() and wait: always ends the child.
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  // Known exit status, once reaped.
  const std::optional<ExitStatus>& exit_status() const { return status_; }

 private:
  ChildProcess() = default;
  void close_fds() noexcept;
  // Reaps the child if it has ended (blocking: waits for it), killing its group first.
  std::optional<ExitStatus> reap(bool block);

  Command command_;
  pid_t pid_ = -1;
  int pidfd_ = -1;  // readable once the child exited; -1 where pidfd_open is missing
  bool own_group_ = false;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int capture_fd_ = -1;  // kCapture: the anonymous file the child's stderr goes to
  std::string stdout_buffer_;
  std::optional<ExitStatus> status_;
};

// A server started by the harness, with the address it listens on. Owns the child
// (stopped on destruction: SIGTERM, SIGKILL after 1 s, reaped) and, for `{path}`
// commands, the temp dir of the socket (removed after the child is gone). The
// child's stdout stays a pipe; drain_stdout() it if the server talks a lot.
class SpawnedServer {
 public:
  SpawnedServer(Address address, ChildProcess process, std::string temp_dir = {});
  SpawnedServer(SpawnedServer&&) noexcept;
  SpawnedServer& operator=(SpawnedServer&&) noexcept;
  ~SpawnedServer();

  const Address& address() const { return address_; }
  ChildProcess& process() { return process_; }
  const ChildProcess& process() const { return process_; }

 private:
  void remove_temp_dir() noexcept;

  Address address_;
  std::string temp_dir_;  // removed after process_ ended; empty when none
  ChildProcess process_;
};

struct SpawnOptions {
  // How long the server may take to print its line or to accept a connection.
  std::chrono::milliseconds timeout{5000};
  // Where the server's stderr goes; kCapture lets errors quote its tail.
  StreamMode stderr_mode = StreamMode::kCapture;
};

// Starts a server that prints exactly one line `listening ADDRESS` on stdout once it
// accepts connections (e.g. linespec-server --listen tcp:127.0.0.1:0), and returns
// the parsed address. Errors (kUnreachable, message naming the command and quoting
// the tail of its stderr): cannot start, exits or closes stdout first, no line in
// time, or a line that is not `listening ADDRESS`.
Result<SpawnedServer> spawn_server(const Command& command, const SpawnOptions& options = {});

// The `--spawn` form: `line` contains `{port}` or `{path}`. {port} becomes a free
// loopback TCP port (address tcp:127.0.0.1:PORT), {path} a fresh unix socket path in
// a new temp dir (address unix:PATH). The line runs via /bin/sh -c, and the call
// returns once a connect to the address succeeds (polled with backoff). Errors:
// kUsage without a placeholder; kUnreachable if the child exits or never accepts
// within the timeout (with its stderr tail).
Result<SpawnedServer> spawn_server_with_placeholder(const std::string& line,
                                                    const SpawnOptions& options = {});

// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read, close).
Result<std::uint16_t> pick_free_loopback_port();

}  // namespace linespec::harness
