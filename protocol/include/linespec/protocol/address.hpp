// The address syntax shared by every linespec program: `tcp:HOST:PORT`,
// `tcp://HOST:PORT` (IPv6 literals in brackets, `tcp:[::1]:0`) and `unix:PATH`
// (or `unix://PATH`). Parsing only: no sockets, no name resolution. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "linespec/protocol/result.hpp"

namespace linespec {

struct Address {
  enum class Kind { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string host;        // tcp: name or literal, without brackets
  std::uint16_t port = 0;  // tcp: 0 lets the system choose (listening only)
  std::string path;        // unix: filesystem path

  // Canonical text: "tcp:127.0.0.1:10008", "tcp:[::1]:80", "unix:/tmp/s".
  std::string to_string() const;
  bool operator==(const Address&) const = default;
};

Result<Address> parse_address(std::string_view text);

}  // namespace linespec
