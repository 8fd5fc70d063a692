// The exact delivery strategy for sockets: the kernel's view of the server's end of
// our connection through NETLINK_SOCK_DIAG (inet_diag for tcp, unix_diag for unix).
// Works only where the server's socket is visible (same host and network
// namespace). Not installed. One thread at a time.
#pragma once

#include <chrono>
#include <memory>

#include "linespec/harness/delivery.hpp"

namespace linespec::harness {

// Finds the server's socket of `connection` and returns a Delivery that polls its
// receive queue. kUnreachable when the kernel cannot show it.
Result<std::unique_ptr<Delivery>> make_sock_diag_delivery(Connection& connection);

// The backoff of the exact strategies: 20us doubling up to 5ms.
std::chrono::microseconds diag_backoff(int attempt);

}  // namespace linespec::harness
