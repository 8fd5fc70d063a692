#include "linespec/reference/server.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "listener.hpp"
#include "worker.hpp"

namespace linespec::reference {

struct Server::State {
  explicit State(const ServerConfig& config) : context{config, std::nullopt, false, -1, {}} {}
  ~State() {
    workers.clear();
    for (auto& listener : listeners) {
      if (listener->fd >= 0) ::close(listener->fd);
    }
    detail::remove_unix_socket(bound);
    if (stop_fd >= 0) ::close(stop_fd);
  }

  int stop_fd = -1;
  int stop_error = 0;
  bool started = false;
  bool ran = false;
  detail::ServerContext context;
  detail::Listeners bound;  // descriptors move into `listeners`; kept for the unix file
  std::vector<std::unique_ptr<detail::SharedListener>> listeners;
  std::vector<std::unique_ptr<detail::Worker>> workers;
  detail::Endpoint stdio;
};

namespace {

// Makes a stdio descriptor non-blocking. Returns the flags to put back before it
// is closed (the descriptor may be shared with a parent shell), or -1 when it was
// non-blocking already.
Result<int> make_non_blocking(int fd, const char* name) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) {
    int error = errno;
    return usage_error(std::string("--stdio: ") + name + " is not open: " + std::strerror(error));
  }
  if ((flags & O_NONBLOCK) != 0) return -1;
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  return flags;
}

bool is_socket(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace

Server::Server(ServerConfig config) : config_(std::move(config)), state_(std::make_unique<State>(config_)) {
  state_->stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (state_->stop_fd < 0) state_->stop_error = errno;
  state_->context.stop_fd = state_->stop_fd;
}

Server::~Server() = default;

Status Server::start() {
  State& s = *state_;
  if (s.started) return usage_error("server already started");
  if (s.stop_fd < 0) return Error{ErrorKind::kIo, std::string("eventfd: ") + std::strerror(s.stop_error)};
  if (config_.threads == 0) return usage_error("--threads must be at least 1");
  if (config_.profile.concurrency == Concurrency::kSequential && config_.threads > 1) {
    return usage_error("profile '" + config_.profile.name + "' is sequential: it needs --threads 1");
  }
  if (config_.limits.output_high_water == 0) return usage_error("output high-water mark must be positive");
  s.context.cap = config_.max_connections ? config_.max_connections : config_.profile.capacity;
  if (s.context.cap && *s.context.cap == 0) return usage_error("--max-connections must be at least 1");
  s.context.sequential = config_.profile.concurrency == Concurrency::kSequential;

  if (config_.stdio) {
    auto in_flags = make_non_blocking(config_.stdio_in, "input");
    if (!in_flags) return in_flags.error();
    auto out_flags = make_non_blocking(config_.stdio_out, "output");
    if (!out_flags) {
      if (*in_flags >= 0) ::fcntl(config_.stdio_in, F_SETFL, *in_flags);
      return out_flags.error();
    }
    s.stdio = detail::Endpoint{config_.stdio_in, config_.stdio_out,
                               is_socket(config_.stdio_out), *in_flags, *out_flags};
    s.started = true;
    return {};
  }

  const bool tcp = config_.listen.kind == Address::Kind::kTcp;
  auto opened = tcp ? detail::open_tcp_listeners(config_.listen, config_.threads)
                    : detail::open_unix_listener(config_.listen);
  if (!opened) return opened.error();
  s.bound = std::move(*opened);
  bound_ = s.bound.bound;
  for (int fd : s.bound.fds) {
    auto listener = std::make_unique<detail::SharedListener>();
    listener->fd = fd;
    listener->tcp = tcp;
    listener->exclusive = !tcp && config_.threads > 1;
    s.listeners.push_back(std::move(listener));
  }
  s.bound.fds.clear();
  s.started = true;
  return {};
}

Status Server::run() {
  State& s = *state_;
  if (!s.started) return usage_error("server not started");
  if (s.ran) return usage_error("server already ran");
  s.ran = true;

  if (config_.stdio) {
    s.workers.push_back(std::make_unique<detail::Worker>(s.context, nullptr));
  } else if (s.listeners.size() > 1) {
    for (auto& listener : s.listeners) {  // tcp: one SO_REUSEPORT listener per worker
      listener->users = 1;
      s.workers.push_back(std::make_unique<detail::Worker>(s.context, listener.get()));
    }
  } else {
    s.listeners.front()->users = static_cast<int>(config_.threads);
    for (unsigned i = 0; i < config_.threads; ++i) {
      s.workers.push_back(std::make_unique<detail::Worker>(s.context, s.listeners.front().get()));
    }
  }
  for (auto& worker : s.workers) {
    if (Status opened = worker->open(); !opened) return opened;
  }
  if (config_.stdio) s.workers.front()->add_stdio(s.stdio);

  std::vector<Status> results(s.workers.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < s.workers.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = s.workers[i]->run();
      if (!results[i]) stop();  // a dead worker's listener would take clients nobody serves
    });
  }
  results[0] = s.workers.front()->run();
  if (!results[0]) stop();  // the other workers drain and return too
  for (auto& thread : threads) thread.join();
  s.workers.clear();
  detail::remove_unix_socket(s.bound);
  for (auto& result : results) {
    if (!result) return result;
  }
  return {};
}

void Server::stop() noexcept {
  std::uint64_t one = 1;
  if (state_->stop_fd >= 0) {
    [[maybe_unused]] ssize_t n = ::write(state_->stop_fd, &one, sizeof one);
  }
}

}  // namespace linespec::reference
