// The concrete connections behind harness::connect(): stream sockets (tcp, unix) and
// the pipes of a per-connection child (exec:). Not installed. One thread at a time.
#pragma once

#include <memory>
#include <string>

#include "linespec/harness/process.hpp"
#include "linespec/harness/transport.hpp"

namespace linespec::harness {

// Owns one connected, non-blocking stream socket.
class SocketConnection final : public Connection {
 public:
  SocketConnection(Kind kind, int fd, std::string description);
  ~SocketConnection() override;

  Kind kind() const override { return kind_; }
  std::string describe() const override { return description_; }
  int read_fd() const override { return fd_; }
  int write_fd() const override { return write_shut_ ? -1 : fd_; }
  IoResult read_some(char* buffer, std::size_t capacity) override;
  IoResult write_some(std::string_view bytes) override;
  Status shutdown_write() override;
  void close() override;
  void reset() override;

  // The handshake completed but the peer reset the connection before connect()
  // returned (SO_ERROR said ECONNRESET and cleared it): the end of the stream is then
  // reported as a reset, not as EOF.
  void reset_during_connect() { reset_pending_ = true; }

 private:
  Kind kind_;
  int fd_;
  bool write_shut_ = false;
  bool reset_pending_ = false;
  std::string description_;
};

// Owns a `/bin/sh -c CMD` child and the parent ends of its stdin and stdout pipes.
class PipeConnection final : public Connection {
 public:
  PipeConnection(ChildProcess child, std::string description);
  ~PipeConnection() override;

  Kind kind() const override { return Kind::kPipes; }
  std::string describe() const override { return description_; }
  int read_fd() const override { return child_.stdout_fd(); }
  int write_fd() const override { return child_.stdin_fd(); }
  IoResult read_some(char* buffer, std::size_t capacity) override;
  IoResult write_some(std::string_view bytes) override;
  Status shutdown_write() override;
  void close() override;
  void reset() override;
  std::string diagnostics() override;
  std::optional<Error> failure() override;

 private:
  void end_child();

  ChildProcess child_;
  std::string description_;
};

Result<std::unique_ptr<Connection>> connect_tcp(const Target& target, const ConnectOptions& options);
Result<std::unique_ptr<Connection>> connect_unix(const Target& target, const ConnectOptions& options);
Result<std::unique_ptr<Connection>> connect_exec(const Target& target, const ConnectOptions& options);

}  // namespace linespec::harness
