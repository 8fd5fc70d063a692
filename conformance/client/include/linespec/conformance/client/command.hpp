// The client command of `linespec test-client`: the shell line the user typed, with
// the placeholders {host}, {port} (a TCP client) or {path} (a unix socket client),
// or none with --stdio (the client talks over its stdin and stdout). Parsing and
// substitution only, no I/O. Plain value type: any thread.
#pragma once

#include <string>
#include <string_view>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

enum class ClientTransport {
  kTcp,    // the command uses {port} (and usually {host}): the kit listens on 127.0.0.1
  kUnix,   // the command uses {path}: the kit listens on a fresh unix socket
  kStdio,  // --stdio: the client's stdin and stdout are the connection
};

std::string_view to_string(ClientTransport transport);  // "tcp", "unix", "stdio"

struct ClientCommand {
  std::string text;  // as typed, placeholders included
  ClientTransport transport = ClientTransport::kTcp;

  // The shell line for a kit listening on `address` ({host}, {port}, {path}
  // replaced; every other brace left alone). For kStdio the text, prefixed with
  // `exec ` when it is one simple command: a shell that waits for its child keeps
  // a copy of the client's stdout, and the client's close of stdout (its
  // half-close) would never show.
  std::string line_for(const Address& address) const;
};

// Errors (kUsage, naming the problem): an empty command; without --stdio, a command
// with neither {port} nor {path}, or with both; with --stdio, a command that uses a
// placeholder.
Result<ClientCommand> parse_client_command(std::string text, bool stdio);

}  // namespace linespec::conformance
