// Live servers for the harness tests: the reference server (the linespec-server
// program, never linked) for any profile over tcp, unix or pipes, and the fixtures of
// tests/fixtures. A ServerPool starts each server once, keeps it for later cases and
// stops them all when destroyed; it owns a temp dir for profile files and sockets.
// One thread at a time.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"
#include "linespec/harness/replay.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec_test/temp_dir.hpp"

namespace linespec::harness::testing {

enum class Transport { kTcp, kUnix, kPipes };
std::string to_string(Transport transport);
inline const std::vector<Transport> kAllTransports = {Transport::kTcp, Transport::kUnix, Transport::kPipes};

using linespec::testing::TempDir;

class ServerPool {
 public:
  ServerPool() = default;
  ServerPool(const ServerPool&) = delete;
  ServerPool& operator=(const ServerPool&) = delete;

  // The reference server for `profile` (started on first use; exec: runs
  // `linespec-server --stdio` per connection). Throws std::runtime_error when it
  // cannot start, which fails the test or property case that asked.
  Target reference(const Profile& profile, Transport transport);
  // fixture-NAME (listening, or `--stdio` per connection for kPipes), plus `args`.
  Target fixture(const std::string& name, Transport transport, const std::vector<std::string>& args = {});
  const std::string& dir() const { return dir_.path(); }

 private:
  Target start(const std::string& key, const std::string& program, std::vector<std::string> args,
               Transport transport);
  std::string profile_file(const Profile& profile);

  TempDir dir_;
  std::map<std::string, std::string> profile_files_;  // profile text -> file
  std::map<std::string, Target> targets_;              // what was started -> its target
  std::vector<std::unique_ptr<SpawnedServer>> servers_;
};

// How each chunk of a finished script reached the server: counted per chunk from the
// transcripts' "delivered" notes.
struct DeliveryTally {
  std::size_t sessions = 0;
  std::size_t chunks = 0;
  std::size_t exact_chunks = 0;  // sock_diag tcp / sock_diag unix / FIONREAD pipe
  std::map<std::string, std::size_t> strategies;  // SessionResult::delivery -> sessions

  void add(const ScriptResult& result);
  // "412 sessions, 1377 chunks, exact 1377/1377 (sock_diag tcp: 412)".
  std::string summary() const;
};

}  // namespace linespec::harness::testing
