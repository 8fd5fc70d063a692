// In-test servers for the transport and session tests: a listener on 127.0.0.1,
// ::1 or a unix socket in a fresh temp dir, whose thread accepts connections one
// after the other and hands each to a handler. The handler gets the connected fd
// (closed by the server when the handler returns) and an fd that becomes readable
// when the test is over, so handlers that wait forever can stop.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "linespec/harness/target.hpp"

namespace linespec::harness::testing {

class LoopbackServer {
 public:
  enum class Family { kV4, kV6, kUnix };
  using Handler = std::function<void(int fd, int stop_fd)>;

  // Fails the current test (ADD_FAILURE) when it cannot listen; check ok().
  LoopbackServer(Family family, Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  bool ok() const { return listen_fd_ >= 0; }
  const Target& target() const { return target_; }

 private:
  void serve();

  Handler handler_;
  Target target_;
  std::string temp_dir_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::thread thread_;
};

// True when the machine has an IPv6 loopback to listen on.
bool has_ipv6_loopback();

// Handler pieces.
// Reads until EOF or error; returns "eof", or "error: <errno text>" (e.g. a reset).
std::string read_until_end(int fd, std::string* data = nullptr);
// Waits until `stop_fd` is readable (the test ended).
void wait_for_stop(int stop_fd);
// Writes everything (blocking); false if the peer went away.
bool write_all(int fd, std::string_view bytes);

}  // namespace linespec::harness::testing
