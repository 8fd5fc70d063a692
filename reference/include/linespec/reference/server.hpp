// The reference server: serves the line protocol of a Profile over TCP, a unix
// socket, or one stdin/stdout session, with non-blocking epoll workers. Server owns
// its listening sockets, worker threads and connections. start() and run() are
// called from one thread; stop() may be called from any thread or a signal handler.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"
#include "linespec/reference/connection.hpp"
#include "linespec/reference/syscalls.hpp"

namespace linespec::reference {

struct ServerConfig {
  // Where to listen: tcp (port 0 picks a free port) or unix (a stale socket file
  // is replaced; any other file there is an error). Ignored with stdio.
  Address listen{Address::Kind::kTcp, "127.0.0.1", 10008, ""};
  // One session on stdio_in/stdio_out (pipes, a socket, files) instead of
  // listening; the server takes ownership of both descriptors. Writing to a
  // closed pipe raises SIGPIPE: the process must ignore it (linespec-server does).
  bool stdio = false;
  int stdio_in = 0;
  int stdio_out = 1;
  Profile profile;
  // Clients served at once; more are sent "<refusal marker>\n" and closed. Without
  // a value the profile's capacity applies, and without that no cap.
  std::optional<std::size_t> max_connections;
  // A connection with no byte read or written for this long is closed; 0 = never.
  std::chrono::milliseconds idle_timeout{300000};
  // After stop(): how long connections get to receive the replies they are owed.
  std::chrono::milliseconds drain_timeout{5000};
  // A connection whose write side was shut (refusal, drain) is closed when the
  // client closes too, or after this long.
  std::chrono::milliseconds linger{1000};
  // tcp: one SO_REUSEPORT listener and epoll per thread; unix: one listener shared
  // by all threads (EPOLLEXCLUSIVE). A sequential profile needs 1.
  unsigned threads = 1;
  ConnectionLimits limits;
  const SyscallTable* syscalls = &system_calls();
};

class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();  // closes what is still open and removes the unix socket file
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (kUsage error: bad or busy address, bad config), or prepares
  // the stdio session. Connections queue from here on.
  Status start();
  // The address actually bound, with the real port (after start(); not stdio).
  const Address& address() const noexcept { return bound_; }

  // Serves until stop() has drained every connection, or the stdio session ended.
  // kIo error if the event loop itself fails.
  Status run();

  // Graceful drain: stop accepting, send the replies owed, close, and make run()
  // return within drain_timeout. Async-signal-safe (one eventfd write).
  void stop() noexcept;

 private:
  struct State;
  ServerConfig config_;
  Address bound_;
  std::unique_ptr<State> state_;
};

}  // namespace linespec::reference
