// What the harness talks to: a server address (tcp, unix) or a command run once per
// connection over its stdin/stdout (exec:, inetd style). Parsing only, no I/O.
// Plain value type: any thread.
#pragma once

#include <string>
#include <string_view>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::harness {

struct Target {
  enum class Kind { kTcp, kUnix, kExec };
  Kind kind = Kind::kTcp;
  Address address;      // kTcp, kUnix
  std::string command;  // kExec: run with /bin/sh -c for every connection

  static Target from_address(Address address);
  static Target exec(std::string command);

  // Canonical text: "tcp:127.0.0.1:10008", "tcp:[::1]:80", "unix:/tmp/s", "exec:cat".
  std::string to_string() const;
  bool operator==(const Target&) const = default;
};

// `tcp://HOST:PORT`, `tcp:HOST:PORT` (IPv6 in brackets: `tcp:[::1]:PORT`),
// `unix:PATH` or `exec:CMD`. Errors are kUsage and name the text: a bad address,
// port 0 (a target needs a real port), an empty exec command.
Result<Target> parse_target(std::string_view text);

}  // namespace linespec::harness
