#include "live_servers.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "linespec/protocol/escape.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec::harness::testing {

std::string to_string(Transport transport) {
  switch (transport) {
    case Transport::kTcp: return "tcp";
    case Transport::kUnix: return "unix";
    case Transport::kPipes: return "pipes";
  }
  return "?";
}

std::string ServerPool::profile_file(const Profile& profile) {
  std::string text = print_profile(profile);
  auto& path = profile_files_[text];
  if (path.empty()) {
    path = dir_.path() + "/p" + std::to_string(profile_files_.size());
    std::ofstream(path) << text;
  }
  return path;
}

Target ServerPool::start(const std::string& key, const std::string& program, std::vector<std::string> args,
                         Transport transport) {
  if (auto found = targets_.find(key); found != targets_.end()) return found->second;
  Target target;
  if (transport == Transport::kPipes) {
    std::string line = shell_word(program) + " --stdio";
    for (const auto& a : args) line += " " + shell_word(a);
    target = Target::exec(line);
  } else {
    std::string listen = transport == Transport::kTcp
                             ? "tcp:127.0.0.1:0"
                             : "unix:" + dir_.path() + "/s" + std::to_string(servers_.size());
    std::vector<std::string> argv = {program, "--listen", listen};
    argv.insert(argv.end(), args.begin(), args.end());
    auto server = spawn_server(Command::program(argv));
    if (!server) throw std::runtime_error("cannot start " + program + ": " + server.error().message);
    target = Target::from_address(server->address());
    servers_.push_back(std::make_unique<SpawnedServer>(std::move(*server)));
  }
  targets_[key] = target;
  return target;
}

Target ServerPool::reference(const Profile& profile, Transport transport) {
  std::string file = profile_file(profile);
  return start("reference:" + to_string(transport) + ":" + file, LINESPEC_SERVER, {"--profile", file}, transport);
}

Target ServerPool::fixture(const std::string& name, Transport transport, const std::vector<std::string>& args) {
  std::string key = "fixture:" + to_string(transport) + ":" + name;
  for (const auto& a : args) key += " " + a;
  return start(key, std::string(LINESPEC_FIXTURE_DIR) + "/fixture-" + name, args, transport);
}

void DeliveryTally::add(const ScriptResult& result) {
  for (const auto& c : result.connections) {
    ++sessions;
    ++strategies[c.session.delivery];
    for (const auto& event : c.session.transcript.events()) {
      if (event.kind != TranscriptEvent::Kind::kDelivered) continue;
      ++chunks;
      if (event.note.rfind("pause", 0) != 0 && event.note.rfind("none", 0) != 0) ++exact_chunks;
    }
  }
}

std::string DeliveryTally::summary() const {
  std::string out = std::to_string(sessions) + " sessions, " + std::to_string(chunks) + " chunks, exact " +
                    std::to_string(exact_chunks) + "/" + std::to_string(chunks) + " (";
  bool first = true;
  for (const auto& [name, count] : strategies) {
    out += (first ? "" : ", ") + (name.empty() ? std::string("never connected") : name) + ": " +
           std::to_string(count);
    first = false;
  }
  return out + ")";
}

}  // namespace linespec::harness::testing
