#include "linespec/harness/transport.hpp"

#include "connections.hpp"
#include "fd.hpp"

namespace linespec::harness {

Status Connection::write_all(std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    IoResult r = write_some(bytes);
    switch (r.state) {
      case IoResult::State::kOk:
        bytes.remove_prefix(r.bytes);
        continue;
      case IoResult::State::kWouldBlock: {
        pollfd p{write_fd(), POLLOUT, 0};
        if (poll_until(&p, 1, deadline) == 0) {
          return Error{ErrorKind::kTimeout, "writing to " + describe() + " timed out"};
        }
        continue;
      }
      case IoResult::State::kEof:
      case IoResult::State::kReset:
        return Error{ErrorKind::kIo, "writing to " + describe() + ": the peer reset the connection"};
      case IoResult::State::kError:
        return Error{ErrorKind::kIo, "writing to " + describe() + ": " + errno_text(r.error)};
    }
  }
  return {};
}

Result<std::string> Connection::read(std::size_t max_bytes, Deadline deadline) {
  std::string buffer(max_bytes == 0 ? 1 : max_bytes, '\0');
  for (;;) {
    IoResult r = read_some(buffer.data(), buffer.size());
    switch (r.state) {
      case IoResult::State::kOk:
        buffer.resize(r.bytes);
        return buffer;
      case IoResult::State::kEof:
        return std::string();
      case IoResult::State::kWouldBlock: {
        pollfd p{read_fd(), POLLIN, 0};
        if (poll_until(&p, 1, deadline) == 0) {
          return Error{ErrorKind::kTimeout, "nothing to read from " + describe() + " in time"};
        }
        continue;
      }
      case IoResult::State::kReset:
        return Error{ErrorKind::kIo, "reading from " + describe() + ": the peer reset the connection"};
      case IoResult::State::kError:
        return Error{ErrorKind::kIo, "reading from " + describe() + ": " + errno_text(r.error)};
    }
  }
}

Result<std::unique_ptr<Connection>> connect(const Target& target, const ConnectOptions& options) {
  switch (target.kind) {
    case Target::Kind::kTcp:
      return connect_tcp(target, options);
    case Target::Kind::kUnix:
      return connect_unix(target, options);
    case Target::Kind::kExec:
      return connect_exec(target, options);
  }
  return usage_error("unknown target kind");
}

}  // namespace linespec::harness
