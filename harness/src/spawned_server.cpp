#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdlib>
#include <filesystem>
#include <thread>
#include <utility>

#include "fd.hpp"
#include "linespec/harness/process.hpp"

namespace linespec::harness {

SpawnedServer::SpawnedServer(Address address, ChildProcess process, std::string temp_dir)
    : address_(std::move(address)), temp_dir_(std::move(temp_dir)), process_(std::move(process)) {}

SpawnedServer::SpawnedServer(SpawnedServer&& other) noexcept
    : address_(std::move(other.address_)),
      temp_dir_(std::exchange(other.temp_dir_, {})),
      process_(std::move(other.process_)) {}

SpawnedServer& SpawnedServer::operator=(SpawnedServer&& other) noexcept {
  if (this == &other) return *this;
  process_.stop(std::chrono::milliseconds(1000));
  remove_temp_dir();
  address_ = std::move(other.address_);
  temp_dir_ = std::exchange(other.temp_dir_, {});
  process_ = std::move(other.process_);
  return *this;
}

SpawnedServer::~SpawnedServer() {
  // A graceful SIGTERM first: servers drain on it, and a quick exit is the norm.
  if (process_.pid() > 0) process_.stop(std::chrono::milliseconds(1000));
  remove_temp_dir();
}

void SpawnedServer::remove_temp_dir() noexcept {
  if (temp_dir_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(temp_dir_, ignored);
  temp_dir_.clear();
}

namespace {

// "; it exited with exit 2; stderr: ..." for messages about a server that failed.
std::string what_the_child_said(ChildProcess& child) {
  std::string out;
  if (auto status = child.try_wait()) out += "; it ended with " + status->to_string();
  std::string tail = child.captured_stderr(512);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  if (!tail.empty()) out += "; its stderr ends with: " + tail;
  return out;
}

Error unreachable(const std::string& text, ChildProcess& child) {
  return Error{ErrorKind::kUnreachable, text + what_the_child_said(child)};
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// A fresh private directory for a unix socket, on a short path (sun_path is small).
Result<std::string> make_temp_dir() {
  std::string base = "/tmp";
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0' && std::string(tmp).size() < 60) {
    base = tmp;
  }
  std::string pattern = base + "/linespec-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Error{ErrorKind::kIo, "mkdtemp " + pattern + ": " + errno_text(errno)};
  }
  return pattern;
}

// One connect attempt: true when the server accepted it.
bool accepts(const Address& address) {
  if (address.kind == Address::Kind::kUnix) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (!fd || address.path.size() >= sizeof sa.sun_path) return false;
    address.path.copy(sa.sun_path, address.path.size());
    return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  }
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(address.port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return fd && ::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
}

}  // namespace

Result<std::uint16_t> pick_free_loopback_port() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Error{ErrorKind::kIo, "socket: " + errno_text(errno)};
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    return Error{ErrorKind::kIo, "cannot find a free port on 127.0.0.1: " + errno_text(errno)};
  }
  return ntohs(sa.sin_port);
}

Result<SpawnedServer> spawn_server(const Command& command, const SpawnOptions& options) {
  ProcessOptions process_options;
  process_options.stdin_mode = StreamMode::kNull;
  process_options.stdout_mode = StreamMode::kPipe;
  process_options.stderr_mode = options.stderr_mode;
  auto child = ChildProcess::start(command, process_options);
  if (!child) return child.error();
  std::string name = "server '" + command.to_string() + "'";

  auto line = child->read_line(options.timeout);
  if (!line) {
    if (line.error().kind == ErrorKind::kTimeout) {
      return unreachable(name + " printed no 'listening ADDRESS' line within " +
                             std::to_string(options.timeout.count()) + " ms",
                         *child);
    }
    // It closed stdout, most likely by exiting: give it a moment to be reaped.
    (void)child->wait(std::chrono::milliseconds(500));
    return unreachable(name + " did not print 'listening ADDRESS' (" + line.error().message + ")", *child);
  }
  constexpr std::string_view kPrefix = "listening ";
  if (line->rfind(kPrefix, 0) != 0) {
    return unreachable(name + " printed '" + *line + "' instead of 'listening ADDRESS'", *child);
  }
  auto address = parse_address(std::string_view(*line).substr(kPrefix.size()));
  if (!address) return unreachable(name + " printed '" + *line + "': " + address.error().message, *child);
  return SpawnedServer(std::move(*address), std::move(*child));
}

Result<SpawnedServer> spawn_server_with_placeholder(const std::string& line, const SpawnOptions& options) {
  bool has_port = line.find("{port}") != std::string::npos;
  bool has_path = line.find("{path}") != std::string::npos;
  if (has_port == has_path) {
    return usage_error("spawn command '" + line + "' needs exactly one kind of placeholder, {port} or {path}");
  }
  std::string command = line;
  Address address;
  std::string temp_dir;
  if (has_port) {
    auto port = pick_free_loopback_port();
    if (!port) return port.error();
    address.kind = Address::Kind::kTcp;
    address.host = "127.0.0.1";
    address.port = *port;
    replace_all(command, "{port}", std::to_string(*port));
  } else {
    auto dir = make_temp_dir();
    if (!dir) return dir.error();
    temp_dir = *dir;
    address.kind = Address::Kind::kUnix;
    address.path = temp_dir + "/s";
    replace_all(command, "{path}", address.path);
  }

  ProcessOptions process_options;
  process_options.stdin_mode = StreamMode::kNull;
  process_options.stdout_mode = StreamMode::kPipe;
  process_options.stderr_mode = options.stderr_mode;
  auto child = ChildProcess::start(Command::shell(command), process_options);
  if (!child) {
    std::error_code ignored;
    if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir, ignored);
    return child.error();
  }
  // From here the SpawnedServer owns the child and the dir, also on failure.
  SpawnedServer server(address, std::move(*child), temp_dir);
  std::string name = "server '" + command + "'";

  // No event says "now it listens", so poll connect with backoff, bounded.
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (accepts(address)) return server;
    if (server.process().try_wait()) {
      return unreachable(name + " exited before accepting on " + address.to_string(), server.process());
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return unreachable(name + " did not accept on " + address.to_string() + " within " +
                             std::to_string(options.timeout.count()) + " ms",
                         server.process());
    }
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace linespec::harness
