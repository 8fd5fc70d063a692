// linespec-server run as a child process for the reliability tests, and what
// /proc says about it while faults are applied: CPU time, resident memory, open
// descriptors. A ServerProcess owns its child (stopped and reaped on destruction).
// Test code only; one thread per object.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "linespec/harness/process.hpp"
#include "linespec_test/sanitized.hpp"
#include "program_run.hpp"
#include "test_sockets.hpp"

namespace linespec::reference::testing {

using linespec::testing::kSanitized;

// CPU time (user + system, every thread) the process has used; nullopt once it is gone.
inline std::optional<std::chrono::milliseconds> cpu_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name in parentheses may hold spaces: fields are counted after it.
  std::size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  // Fields 3..13 (state .. cmajflt), then utime (14) and stime (15), in clock ticks.
  for (int i = 3; i <= 13; ++i) fields >> field;
  long long utime = 0;
  long long stime = 0;
  if (!(fields >> utime >> stime)) return std::nullopt;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  return std::chrono::milliseconds((utime + stime) * 1000 / ticks);
}

// VmRSS in KiB; nullopt once the process is gone.
inline std::optional<std::size_t> resident_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return std::nullopt;
}

// Descriptors the process holds open, only those numbered below `below` if given
// (RLIMIT_NOFILE limits the numbers; a child may inherit higher ones); nullopt
// once it is gone.
inline std::optional<std::size_t> open_fds(pid_t pid, std::size_t below = SIZE_MAX) {
  DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return std::nullopt;
  std::size_t n = 0;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.' && std::stoul(entry->d_name) < below) ++n;
  }
  ::closedir(dir);
  return n;
}

// The kernel sends no event when a process closes a descriptor: polls /proc until
// the count is `want` or `bound` passed. The count last seen.
inline std::optional<std::size_t> wait_for_fds(pid_t pid, std::size_t want,
                                               milliseconds bound = kPatience) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  auto pause = 1ms;
  for (;;) {
    auto n = open_fds(pid);
    if (!n || *n == want || std::chrono::steady_clock::now() >= deadline) return n;
    std::this_thread::sleep_for(pause);
    pause = std::min<milliseconds>(pause * 2, 50ms);
  }
}

// Largest VmRSS seen over `window`, sampled every `every`.
inline std::size_t peak_resident_kib(pid_t pid, milliseconds window, milliseconds every = 50ms) {
  std::size_t peak = 0;
  auto end = std::chrono::steady_clock::now() + window;
  do {
    peak = std::max(peak, resident_kib(pid).value_or(0));
    std::this_thread::sleep_for(every);
  } while (std::chrono::steady_clock::now() < end);
  return peak;
}

// A linespec-server child that printed its `listening` line. `shell_prefix` runs
// before it in /bin/sh (e.g. "ulimit -n 32; "); the server replaces the shell, so
// pid() is the server's.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args, const std::string& shell_prefix = "") {
    harness::Command command;
    if (shell_prefix.empty()) {
      args.insert(args.begin(), kServerProgram);
      command = harness::Command::program(std::move(args));
    } else {
      std::string line = shell_prefix + "exec '" + kServerProgram + "'";
      for (const auto& arg : args) line += " '" + arg + "'";
      command = harness::Command::shell(line);
    }
    auto spawned = harness::spawn_server(command);
    if (!spawned) {
      error_ = spawned.error().message;
      return;
    }
    server_.emplace(std::move(*spawned));
  }

  bool started() const { return server_.has_value(); }
  const std::string& error() const { return error_; }
  const Address& address() const { return server_->address(); }
  pid_t pid() const { return server_->process().pid(); }
  harness::ChildProcess& process() { return server_->process(); }
  bool running() { return !server_->process().try_wait().has_value(); }

  // Descriptors the server holds with no client: taken after a connection came and
  // went (the event loop is set up only after the `listening` line).
  std::size_t idle_fds() {
    Fd fd = connect_to(address());
    if (fd.valid()) {
      half_close(fd.get());
      read_to_eof(fd.get());  // the server closed its end before this EOF
    }
    return open_fds(pid()).value_or(0);
  }

  // SIGTERM, then the server must exit 0 within the bound with nothing on stderr
  // (a sanitizer finding would be there, and changes the exit status).
  void stop_cleanly(milliseconds bound = kPatience) {
    process().terminate();
    auto status = process().wait(bound);
    ASSERT_TRUE(status) << "no exit within " << bound.count() << " ms after SIGTERM";
    EXPECT_TRUE(status->success()) << status->to_string() << "\n" << process().captured_stderr();
    EXPECT_EQ(process().captured_stderr(), "");
  }

 private:
  std::optional<harness::SpawnedServer> server_;
  std::string error_;
};

// A client that connected and read its greeting (invalid Fd if either failed).
inline Fd greeted_client(const Address& address, const std::string& greeting = kGreeting) {
  Fd fd = connect_to(address);
  if (!fd.valid() || read_exactly(fd.get(), greeting.size()) != greeting) return Fd();
  return fd;
}

// Sends `bytes` on a fresh connection, half-closes and reads until the server closes.
inline Received converse(const Address& address, std::string_view bytes) {
  Fd fd = connect_to(address);
  if (!fd.valid()) return Received{};
  send_all(fd.get(), bytes);
  half_close(fd.get());
  return read_to_eof(fd.get());
}

}  // namespace linespec::reference::testing
