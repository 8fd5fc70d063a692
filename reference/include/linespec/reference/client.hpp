// The reference client: connects to a line-protocol server, checks its greeting,
// sends records, waits for one reply per record, half-closes and waits for the
// server to close. One blocking call that owns its socket; any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::reference {

struct ClientConfig {
  Address connect{Address::Kind::kTcp, "127.0.0.1", 10008, ""};
  // The variant the server speaks: its greeting, refusal marker and reply kind.
  Profile profile;
  // Inactivity bound: no byte sent or received for this long is an error.
  std::chrono::milliseconds timeout{5000};
  // Each is sent followed by "\n".
  std::vector<std::string> records{"SOME DATA"};
};

struct ClientReport {
  std::string greeting;         // the greeting line, without "\n" (empty without one)
  std::size_t records = 0;      // records the server frames in what was sent
  std::string replies;          // every reply byte, verbatim
};

// Errors: kUnreachable (cannot connect, or refused: the first line holds the
// refusal marker), kProtocol (wrong greeting or reply, too few replies before the
// close, bytes after the last reply; more bytes than the replies owed, or than
// 4 KiB, fail at once, so a server that sends without end cannot grow the client),
// kTimeout, kIo. Messages say what was expected and what arrived.
Result<ClientReport> run_client(const ClientConfig& config);

// Bytes as readable text: printable ASCII as is, \r \n \t \\ and \xHH escaped,
// cut after `limit` bytes with "...".
std::string escape_bytes(std::string_view bytes, std::size_t limit = 80);

}  // namespace linespec::reference
