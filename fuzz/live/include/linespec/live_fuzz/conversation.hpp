// A conversation the live fuzzer has with a server: a few connections, each sending
// records in chunks and ending its own way, interleaved by a schedule. It is the value
// that is generated and shrunk; to_script() turns it into the script that runs it.
// Plain values, standard library only; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "linespec/harness/model.hpp"
#include "linespec/harness/script.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::live_fuzz {

// One connection: the bytes of its records, cut into chunks, then an ending.
struct ConnectionPlan {
  std::vector<std::string> records;  // concatenated into the bytes sent
  std::vector<std::size_t> chunks;   // chunk sizes; what is left after them is one last chunk
  harness::ClientEnd end = harness::ClientEnd::kHalfClose;

  bool operator==(const ConnectionPlan&) const = default;
};

struct Conversation {
  std::vector<ConnectionPlan> connections;
  // Which connection takes its next step (connect, a chunk, its ending), by index
  // modulo the number of connections; once the schedule is used up, the remaining
  // steps run connection by connection.
  std::vector<std::size_t> schedule;

  bool operator==(const Conversation&) const = default;
};

// How the connections of a conversation may overlap at the server.
enum class Overlap {
  kInterleaved,  // steps of several connections mix as the schedule says
  kOneAtATime,   // for sequential servers: each connection ends before the next opens,
                 // and one that would stay open half-closes unless it is the last
};

// The script that plays `conversation` on connections a, b, c, ... (oracle: the model
// of `profile`). Empty chunks are not sent.
harness::Script to_script(const Conversation& conversation, const Profile& profile, Overlap overlap);

// What a script amounts to, for reports: "1 connection, 2 sends, 2 bytes".
struct ScriptSize {
  std::size_t connections = 0;
  std::size_t sends = 0;
  std::size_t bytes = 0;  // bytes sent

  std::string to_string() const;
};
ScriptSize measure(const harness::Script& script);

}  // namespace linespec::live_fuzz
