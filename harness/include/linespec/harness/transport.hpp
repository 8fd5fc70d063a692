// One client connection to a target, whatever carries it: a TCP or unix stream
// socket, or the stdin/stdout pipes of a per-connection child (exec:). Sockets and
// pipes are non-blocking so a caller can poll() both directions; the blocking
// helpers take a deadline. A Connection owns its fds (and exec child) and releases
// them when destroyed. One thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "linespec/harness/target.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::harness {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// The outcome of one non-blocking read or write.
struct IoResult {
  enum class State {
    kOk,          // `bytes` were transferred (> 0)
    kWouldBlock,  // nothing now; poll() and try again
    kEof,         // read: the peer closed its side (FIN, or the child closed stdout)
    kReset,       // the peer reset the connection (ECONNRESET, EPIPE on a socket) or
                  // stopped reading its pipe (EPIPE)
    kError,       // any other errno, in `error`
  };
  State state = State::kOk;
  std::size_t bytes = 0;
  int error = 0;  // errno for kReset and kError
};

class Connection {
 public:
  enum class Kind { kTcp, kUnix, kPipes };

  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Kind kind() const = 0;
  // The target as text, plus what identifies this connection
  // ("tcp:127.0.0.1:4000 from 127.0.0.1:51234", "exec:cat (pid 4242)").
  virtual std::string describe() const = 0;

  // Fds to poll(): POLLIN on read_fd, POLLOUT on write_fd. The same socket for
  // tcp/unix; for pipes the child's stdout and stdin. -1 once closed.
  virtual int read_fd() const = 0;
  virtual int write_fd() const = 0;

  // Non-blocking transfers. Never raise SIGPIPE.
  virtual IoResult read_some(char* buffer, std::size_t capacity) = 0;
  virtual IoResult write_some(std::string_view bytes) = 0;

  // Half-close: the peer reads EOF and can still answer (shutdown(SHUT_WR); for
  // pipes: close the child's stdin).
  virtual Status shutdown_write() = 0;
  // Full close of both directions (pipes: close stdin and stdout; the child is then
  // reaped, or killed if it has not exited within a short grace).
  virtual void close() = 0;
  // Abrupt close: RST (SO_LINGER 0, then close); pipes: SIGKILL the child.
  virtual void reset() = 0;

  // Text that helps explain a failure: for exec:, the child's exit status and the
  // tail of its stderr; empty for sockets.
  virtual std::string diagnostics() { return {}; }
  // After the peer ended: an error when it turned out it never really started (exec:
  // the shell's exit 126/127, "command not found"), kind kUnreachable.
  virtual std::optional<Error> failure() { return std::nullopt; }

  // Blocking helpers on top of the non-blocking calls.
  // Writes all of `bytes`. Errors: kTimeout at the deadline, kIo naming the peer on
  // reset or failure.
  Status write_all(std::string_view bytes, Deadline deadline);
  // Waits for some bytes (at most `max_bytes`); an empty string means EOF.
  // Errors: kTimeout at the deadline, kIo when the peer reset the connection.
  Result<std::string> read(std::size_t max_bytes, Deadline deadline);

 protected:
  Connection() = default;
};

struct ConnectOptions {
  std::chrono::milliseconds timeout{5000};  // for the TCP handshake
  // exec: where the child's stderr goes (kept for diagnostics() by default).
  bool capture_exec_stderr = true;
};

// Opens a connection: TCP (TCP_NODELAY set, names resolved, every address tried),
// unix stream socket, or a fresh `/bin/sh -c CMD` child for exec:. Errors:
// kUnreachable naming the target (refused, no such path, timed out, exec failed),
// kUsage for a unix path too long for sockaddr_un.
Result<std::unique_ptr<Connection>> connect(const Target& target, const ConnectOptions& options = {});

}  // namespace linespec::harness
