// linespec-server: the reference server of the line protocol. Parses the command
// line, turns SIGTERM/SIGINT into a graceful drain, and maps errors to exit codes.
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "linespec/protocol/address.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "linespec/reference/server.hpp"
#include "program.hpp"

namespace {

using linespec::reference::program::kExitFailure;
using linespec::reference::program::kExitOk;
using linespec::reference::program::kExitUsage;

int fail(int code, const std::string& message) {
  return linespec::reference::program::fail("linespec-server", code, message);
}

// Waits on a signalfd for SIGTERM/SIGINT: the first drains the server, a second
// exits at once. Ends when `done_fd` is signalled after run() returned.
void watch_signals(int signal_fd, int done_fd, linespec::reference::Server& server) {
  bool stopping = false;
  for (;;) {
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {done_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (::read(signal_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    if (stopping) std::_Exit(kExitFailure);
    stopping = true;
    server.stop();
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The reference server of the linespec line protocol.", "linespec-server"};
  app.set_version_flag("--version", std::string("linespec-server ") + LINESPEC_VERSION);
  std::string listen = "tcp:127.0.0.1:10008";
  std::string profile_name = "seed";
  bool stdio = false;
  std::size_t max_connections = 0;
  long long idle_ms = 300000;
  long long drain_ms = 5000;
  unsigned threads = 1;
  auto* listen_option =
      app.add_option("--listen", listen, "tcp:HOST:PORT, tcp://HOST:PORT, tcp:[IPV6]:PORT or unix:PATH")
          ->capture_default_str();
  app.add_flag("--stdio", stdio, "serve one session on stdin/stdout (inetd style) instead of listening")
      ->excludes(listen_option);
  app.add_option("--profile", profile_name, "built-in profile (seed, lf, echo, stream) or profile file")
      ->capture_default_str();
  app.add_option("--max-connections", max_connections,
                 "clients served at once; more get the refusal line and are closed "
                 "(default: the profile's capacity, else no cap)")
      ->check(CLI::PositiveNumber);
  app.add_option("--idle-timeout", idle_ms, "close a connection idle for MS milliseconds; 0 = never")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--drain-timeout", drain_ms, "on SIGTERM/SIGINT, time in ms to send the replies owed")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--threads", threads, "event loops (tcp: one SO_REUSEPORT listener each)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  app.footer(
      "Prints 'listening ADDRESS' on stdout once it accepts connections (not with --stdio).\n"
      "SIGTERM or SIGINT: stop accepting, send the replies owed, close, exit 0; a second signal exits "
      "at once with 1.\n"
      "Exit codes: 0 stopped cleanly, 1 failure, 2 bad usage or configuration (unknown flag, bad address, "
      "address in use, unknown profile).");
  if (auto status = linespec::reference::program::parse(app, argc, argv)) return *status;

  linespec::reference::ServerConfig config;
  auto profile = linespec::load_profile(profile_name);
  if (!profile) return fail(kExitUsage, profile.error().message);
  config.profile = *profile;
  if (!stdio) {
    auto address = linespec::parse_address(listen);
    if (!address) return fail(kExitUsage, address.error().message);
    config.listen = *address;
  }
  config.stdio = stdio;
  if (max_connections > 0) config.max_connections = max_connections;
  config.idle_timeout = std::chrono::milliseconds(idle_ms);
  config.drain_timeout = std::chrono::milliseconds(drain_ms);
  config.threads = threads;

  std::signal(SIGPIPE, SIG_IGN);
  // Block the stop signals in every thread (the workers inherit the mask); the
  // watcher thread receives them through a signalfd.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  int signal_fd = ::signalfd(-1, &stop_signals, SFD_CLOEXEC);
  int done_fd = ::eventfd(0, EFD_CLOEXEC);
  if (signal_fd < 0 || done_fd < 0) return fail(kExitFailure, "cannot set up signal handling");

  linespec::reference::Server server(config);
  if (auto started = server.start(); !started) {
    return fail(started.error().kind == linespec::ErrorKind::kUsage ? kExitUsage : kExitFailure,
                started.error().message);
  }
  if (!stdio) std::cout << "listening " << server.address().to_string() << std::endl;

  std::thread watcher(watch_signals, signal_fd, done_fd, std::ref(server));
  auto ran = server.run();
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(done_fd, &one, sizeof one);
  watcher.join();
  if (!ran) return fail(kExitFailure, ran.error().message);
  return kExitOk;
}
