// Opening the listening sockets of the reference server: tcp (one per worker with
// SO_REUSEPORT when there are several) and unix (stale-socket replacement, removal
// on exit). Errors are kUsage: the address is bad, busy or not permitted.
#pragma once

#include <sys/types.h>

#include <vector>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::reference::detail {

struct Listeners {
  std::vector<int> fds;  // non-blocking, close-on-exec, listening
  Address bound;         // with the real port
  // unix: identity of the socket file created, so only that file is removed.
  dev_t device = 0;
  ino_t inode = 0;
};

Result<Listeners> open_tcp_listeners(const Address& address, unsigned count);
Result<Listeners> open_unix_listener(const Address& address);

// Removes the unix socket file if it is still the one open_unix_listener made.
void remove_unix_socket(const Listeners& listeners);

}  // namespace linespec::reference::detail
