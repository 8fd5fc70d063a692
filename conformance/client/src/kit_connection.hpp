// The kit's end of a client run: a loopback listener (tcp on 127.0.0.1 port 0, or a
// unix socket), the connection it accepts, and the stdin/stdout pipes of a --stdio
// client. The connections are harness::Connection objects, so that the harness's
// exact delivery (sock_diag on the client's socket, FIONREAD on its stdin pipe)
// measures what the client has consumed. Not installed; one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "linespec/harness/process.hpp"
#include "linespec/harness/transport.hpp"
#include "linespec/protocol/address.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

class KitListener {
 public:
  // 127.0.0.1, a port the system chooses. Errors: kIo naming the call that failed.
  static Result<KitListener> open_tcp();
  // A unix stream socket at `path` (its folder must exist). Errors: kUsage for a
  // path too long for sockaddr_un, kIo otherwise.
  static Result<KitListener> open_unix(const std::string& path);

  KitListener(KitListener&& other) noexcept;
  KitListener& operator=(KitListener&& other) noexcept;
  KitListener(const KitListener&) = delete;
  KitListener& operator=(const KitListener&) = delete;
  ~KitListener();

  int fd() const { return fd_; }
  const Address& address() const { return address_; }
  // One pending connection (non-blocking), or nullptr when none is waiting.
  std::unique_ptr<harness::Connection> accept();
  // Stops listening (later connects are refused); a unix socket file is removed.
  void close();

 private:
  KitListener(int fd, Address address) : fd_(fd), address_(std::move(address)) {}

  int fd_ = -1;
  Address address_;
};

// The connection over a --stdio client's pipes: the kit writes to its stdin and
// reads its stdout. Half-close closes the client's stdin; close and reset close
// both pipes (a pipe has no reset). Borrows the ChildProcess, which must outlive it.
class StdioConnection final : public harness::Connection {
 public:
  explicit StdioConnection(harness::ChildProcess& child) : child_(child) {}

  Kind kind() const override { return Kind::kPipes; }
  std::string describe() const override;
  int read_fd() const override { return child_.stdout_fd(); }
  int write_fd() const override { return child_.stdin_fd(); }
  harness::IoResult read_some(char* buffer, std::size_t capacity) override;
  harness::IoResult write_some(std::string_view bytes) override;
  Status shutdown_write() override;
  void close() override;
  void reset() override { close(); }

 private:
  harness::ChildProcess& child_;
};

}  // namespace linespec::conformance
