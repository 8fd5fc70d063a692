// How the harness makes sure the server consumed one chunk before it sends the next,
// so that a chunk boundary really is a read boundary at the server. A Delivery is
// asked, after each chunk, whether everything written so far was consumed; the
// session keeps reading replies while it polls (with backoff and a bound). Owned by
// its session, which also owns the Connection it measures; one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "linespec/harness/transport.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::harness {

enum class DeliveryKind {
  kNone,   // send the next chunk at once
  kPause,  // wait a short fixed pause after each chunk (a fallback: likely, not certain)
  kExact,  // ask the kernel: the server socket's receive queue (sock_diag, tcp and
           // unix, local servers only) or the pipe's unread bytes (FIONREAD)
  kAuto,   // kExact where the kernel can tell, else kPause
};

struct DeliveryOptions {
  DeliveryKind kind = DeliveryKind::kAuto;
  std::chrono::microseconds pause{3000};  // kPause
};

class Delivery {
 public:
  virtual ~Delivery() = default;
  // What the result reports: "none", "pause 3ms", "sock_diag tcp", "sock_diag unix",
  // "FIONREAD pipe".
  virtual std::string name() const = 0;
  // The session has just finished writing a chunk; `total_sent` counts every byte
  // written on the connection so far.
  virtual void chunk_written(std::size_t total_sent) = 0;
  // True once the peer has consumed all `total_sent` bytes. Errors are kIo (the
  // measure stopped working, e.g. the server socket is gone).
  virtual Result<bool> consumed() = 0;
  // How long the session should wait (reading meanwhile) before asking again;
  // `attempt` counts the calls to consumed() since chunk_written(), for backoff.
  virtual std::chrono::microseconds retry_after(int attempt) const = 0;
};

// Chooses and prepares the strategy for one connection. kExact fails with kUnreachable
// naming the connection when the kernel cannot measure it (remote host, no
// sock_diag); kAuto then uses kPause instead.
Result<std::unique_ptr<Delivery>> make_delivery(const DeliveryOptions& options, Connection& connection);

}  // namespace linespec::harness
